import Partisan
import PartisanTestSupport
import Testing

/// `gen_server:send_request/2` with `wait_response`, `receive_response` and `check_response`.
@Suite struct GenServerRequestTests {
    let node: PartisanNode

    init() async throws {
        node = try await PartisanNode.start(name: "gsreq@127.0.0.1")
    }

    @Test func several_outstanding_requests_are_answered_each_with_its_own_reply() async throws {
        let a = try await node.startGenServer(Counter())
        let b = try await node.startGenServer(Counter())
        let replies = try await node.withProcess { me in
            let first = a.sendRequest(.add(1), from: me)
            let second = b.sendRequest(.add(10), from: me)
            let third = a.sendRequest(.add(2), from: me)
            // Collected in another order than sent.
            return [
                try await third.wait(timeout: .seconds(5), from: me),
                try await second.wait(timeout: .seconds(5), from: me),
                try await first.wait(timeout: .seconds(5), from: me),
            ]
        }
        #expect(replies == [3, 10, 1])
    }

    @Test func wait_leaves_the_request_outstanding_and_receive_gives_it_up() async throws {
        let counter = try await node.startGenServer(Counter())
        let (waited, later, received, leftOver) = try await node.withProcess { me in
            let deferred = counter.sendRequest(.later, from: me)
            let waited = try await deferred.wait(timeout: .milliseconds(20), from: me)  // no reply yet
            counter.cast(.reset)  // the server answers the deferred call with -1
            let later = try await deferred.wait(timeout: .seconds(5), from: me)

            let abandoned = counter.sendRequest(.later, from: me)
            var received: GenServerError?
            do throws(GenServerError) {
                _ = try await abandoned.receive(timeout: .milliseconds(20), from: me)
            } catch {
                received = error
            }
            counter.cast(.reset)  // a reply to the abandoned request: dropped at delivery
            _ = try await counter.call(.get, from: me)  // the cast has been handled
            let leftOver = try await me.receive(timeout: .milliseconds(20))
            return (waited, later, received, leftOver.map { "\($0)" })
        }
        #expect(waited == nil)
        #expect(later == -1)
        #expect(received == .timeout)
        #expect(leftOver == nil)
    }

    @Test func check_picks_the_answer_out_of_any_message() async throws {
        let counter = try await node.startGenServer(Counter())
        let (unrelated, answer) = try await node.withProcess { me in
            let request = counter.sendRequest(.add(5), from: me)
            me.send("something else", to: me.pid)
            var unrelated = 0
            while true {
                let message = try await me.receive()
                if let reply = try request.check(message, from: me) { return (unrelated, reply) }
                unrelated += 1
            }
        }
        #expect(unrelated >= 1)
        #expect(answer == 5)
    }

    @Test func a_server_that_is_gone_or_crashes_ends_the_request_with_its_error() async throws {
        let counter = try await node.startGenServer(Counter())
        let missing = GenServerRef<Counter>(name: "no-such-server", on: node.runtime)
        let (crashed, noproc) = try await node.withProcess { me in
            let crashing = counter.sendRequest(.crash, from: me)
            let gone = missing.sendRequest(.get, from: me)
            var errors: [GenServerError?] = []
            for request in [crashing, gone] {
                do throws(GenServerError) {
                    _ = try await request.wait(timeout: .seconds(5), from: me)
                    errors.append(nil)
                } catch {
                    errors.append(error)
                }
            }
            return (errors[0], errors[1])
        }
        if case .exit = crashed {} else { Issue.record("expected an exit, got \(String(describing: crashed))") }
        #expect(noproc == .noproc)
    }
}
