import Partisan

// A tour of the process runtime: spawn, send, selective receive, registry, monitors, links,
// trapExit and kill. Every line printed is something that happened.

struct Greet: Sendable {
    let name: String
    let replyTo: Pid
}
struct Greeting: Sendable { let text: String }
struct Failure: Error, CustomStringConvertible { var description: String { "the worker hit a poison value" } }

let node = try await PartisanNode.start(name: "demo@127.0.0.1")
print("started node \(node.name)")

try await node.withProcess { me in
    print("the demo runs as process \(me.pid)")

    // A registered server: replies to Greet messages.
    let greeter = me.spawn { ctx in
        while true {
            let request = try await ctx.receive(Greet.self)
            ctx.send(Greeting(text: "hello, \(request.name)"), to: request.replyTo)
        }
    }
    try node.register("greeter", greeter)
    try me.send(Greet(name: "Erlang", replyTo: me.pid), to: "greeter")
    print("greeter answered: \(try await me.receive(Greeting.self).text)")

    // Selective receive: take the Int first, the strings stay queued in order.
    me.send("first", to: me.pid)
    me.send(42, to: me.pid)
    me.send("second", to: me.pid)
    let number = try await me.receive(Int.self)
    let rest = [try await me.receive(String.self), try await me.receive(String.self)]
    print("selective receive took \(number) first, then \(rest)")

    // A monitor sees a crash and its reason.
    let (worker, ref) = me.spawnMonitor { ctx in
        let value = try await ctx.receive(Int.self)
        if value == 13 { throw Failure() }
    }
    me.send(13, to: worker)
    let down = try await me.receive(DownMessage.self) { $0.ref == ref }
    print("monitor: \(down.pid) went down with \(down.reason)")

    // Monitoring a process that is gone: DOWN with noproc at once.
    let late = me.monitor(worker)
    print("monitoring the dead worker: \(try await me.receive(DownMessage.self) { $0.ref == late }.reason)")

    // Links: a crash travels along a link; trapping exits turns it into a message.
    me.trapExit = true
    let partner = try me.spawnLink { ctx in
        _ = try await ctx.receive(String.self)
        try ctx.exit(.shutdown)
    }
    me.send("stop", to: partner)
    let exit = try await me.receive(ExitMessage.self)
    print("linked partner exited: \(exit.reason), we trap exits so we got a message")

    // kill cannot be trapped, and linked processes see `killed`.
    let stubborn = try me.spawnLink([.trapExit]) { ctx in try await ctx.waitForever() }
    me.exit(stubborn, .kill)
    print("killed a process that traps exits: \(try await me.receive(ExitMessage.self).reason)")

    me.exit(greeter, .kill)
    print("registered names now: \(node.registered())")
}
print("processes still alive: \(node.processCount)")
