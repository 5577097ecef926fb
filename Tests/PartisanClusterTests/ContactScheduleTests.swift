import Partisan
import Testing

@testable import PartisanCluster

/// The runner's retry rules without sockets: exponential backoff with jitter, capped, reset by
/// a success; and the resolv.conf reader.
@Suite struct ContactScheduleTests {
    let address = ListenAddress(host: "10.0.0.1", port: 9100)

    @Test func backoff_doubles_up_to_the_cap_and_jitter_keeps_half_to_all() {
        let schedule = ContactSchedule(initialBackoff: .milliseconds(100), maxBackoff: .seconds(1))
        #expect(schedule.backoff(afterFailures: 1, jitter: 1) == .milliseconds(100))
        #expect(schedule.backoff(afterFailures: 2, jitter: 1) == .milliseconds(200))
        #expect(schedule.backoff(afterFailures: 4, jitter: 1) == .milliseconds(800))
        #expect(schedule.backoff(afterFailures: 5, jitter: 1) == .seconds(1))
        #expect(schedule.backoff(afterFailures: 1_000_000, jitter: 1) == .seconds(1))
        #expect(schedule.backoff(afterFailures: 2, jitter: 0) == .milliseconds(100))
        #expect(schedule.backoff(afterFailures: 2, jitter: 7) == .milliseconds(200))
    }

    @Test func a_failed_contact_waits_and_a_success_resets_it() {
        var schedule = ContactSchedule(initialBackoff: .milliseconds(100), maxBackoff: .seconds(1))
        let now = ContinuousClock.now
        #expect(schedule.isDue(address, at: now))
        #expect(schedule.failed(address, at: now, jitter: 1) == 1)
        #expect(!schedule.isDue(address, at: now.advanced(by: .milliseconds(99))))
        #expect(schedule.isDue(address, at: now.advanced(by: .milliseconds(100))))
        #expect(schedule.failed(address, at: now, jitter: 1) == 2)
        #expect(schedule.nextDue(among: [address], after: now) == now.advanced(by: .milliseconds(200)))
        #expect(schedule.nextDue(among: [address], after: now.advanced(by: .seconds(1))) == nil)
        schedule.succeeded(address, node: "a@10.0.0.1", at: now)
        #expect(schedule.node(at: address) == "a@10.0.0.1")
        #expect(schedule.failed(address, at: now, jitter: 1) == 1)
        schedule.keep(only: [])
        #expect(schedule.entries.isEmpty)
    }

    @Test func resolv_conf_gives_its_first_nameserver() {
        let text = """
            # generated
            search svc.cluster.local
            nameserver fe80::1%eth0
            nameserver 10.96.0.10
            """
        #expect(ResolvConf.firstNameserver(in: text) == "fe80::1")
        #expect(ResolvConf.firstNameserver(in: "search x\noptions ndots:5\n") == nil)
    }
}
