import PartisanCore
import Testing

@Suite struct ExitReasonTermTests {
    @Test(arguments: [
        ExitReason.normal, .kill, .killed, .shutdown, .shutdownWith(.atom("bye")), .noproc, .noconnection,
        .crashed(ProcessCrash(typeName: "App.Failure", message: "bad")), .other(.atom("boom")),
        .other(.tuple([.atom("badarg"), 1])),
    ])
    func every_reason_survives_its_term_form(reason: ExitReason) {
        #expect(ExitReason(term: reason.term) == reason)
    }

    @Test func reasons_have_erlangs_terms() {
        #expect(ExitReason.noconnection.term == .atom("noconnection"))
        #expect(ExitReason.shutdownWith(1).term == .tuple([.atom("shutdown"), 1]))
        #expect(
            ExitReason.crashed(ProcessCrash(typeName: "T", message: "m")).term
                == .tuple([.atom("error"), .string("T"), .string("m")]))
        #expect(ExitReason(term: .atom("boom")) == .other(.atom("boom")))
    }
}
