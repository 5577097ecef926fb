import Testing

@testable import PartisanCore

/// The IPv6 text form that node names' hosts may take (RFC 4291 §2.2).
@Suite struct IPv6LiteralTests {
    @Test(arguments: [
        ("::", [UInt8](repeating: 0, count: 16)),
        ("::1", [UInt8](repeating: 0, count: 15) + [1]),
        ("1::", [0, 1] + [UInt8](repeating: 0, count: 14)),
        ("fd00::5", [0xFD, 0] + [UInt8](repeating: 0, count: 13) + [5]),
        ("2001:DB8:0:0:8:800:200C:417A", [0x20, 0x01, 0x0D, 0xB8, 0, 0, 0, 0, 0, 8, 8, 0, 0x20, 0x0C, 0x41, 0x7A]),
        ("::ffff:192.0.2.1", [UInt8](repeating: 0, count: 10) + [0xFF, 0xFF, 192, 0, 2, 1]),
        ("64:ff9b::10.0.0.1", [0, 0x64, 0xFF, 0x9B] + [UInt8](repeating: 0, count: 8) + [10, 0, 0, 1]),
        ("1:2:3:4:5:6:7::", [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0]),
    ])
    func reads_every_text_form(text: String, bytes: [UInt8]) {
        #expect(IPv6Literal.bytes(text.utf8) == bytes)
    }

    @Test(arguments: [
        "", ":", ":::", "1", "127.0.0.1", "::1::", "1::2::3", ":1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7",
        "1:2:3:4:5:6:7:8::", "12345::", "g::1", "::1:", "::ffff:1.2.3", "::ffff:1.2.3.256", "::ffff:01.2.3.4",
        "::1.2.3.4:5", "[::1]", "::1%eth0", "fe80::1 ", String(repeating: "0", count: 46),
    ])
    func refuses_anything_else(text: String) {
        #expect(IPv6Literal.bytes(text.utf8) == nil, "\(text.debugDescription) should be refused")
    }
}
