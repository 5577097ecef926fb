/// The message of the `term-codec` benchmark: an order with nested structs, an enum with a
/// payload, an optional, a string-keyed dictionary and a byte array: `sample` is 1059 bytes
/// of ETF (`TermEncoder().encodeETF(CodecSample.sample).count`).
struct CodecSample: Codable, Sendable, Equatable {
    /// One line of the order.
    struct LineItem: Codable, Sendable, Equatable {
        var sku: String
        var quantity: Int
        var unitPrice: Double
        var tags: [String]
    }

    /// Where the order is.
    enum Status: Codable, Sendable, Equatable {
        case pending
        case shipped(carrier: String, tracking: String)
        case cancelled(String)
    }

    var id: UInt64
    var customer: String
    var email: String
    var createdAt: Int64
    var items: [LineItem]
    var status: Status
    var notes: String?
    var discount: Double?
    var attributes: [String: String]
    var checksum: [UInt8]

    /// A representative instance (deterministic, so runs are comparable).
    static let sample = CodecSample(
        id: 9_007_199_254_740_993,
        customer: "Ada Lovelace",
        email: "ada@analytical-engine.example",
        createdAt: 1_700_000_000_123,
        items: (0..<6).map { i in
            LineItem(
                sku: "SKU-\(10_000 + i * 37)", quantity: i + 1, unitPrice: 9.99 + Double(i) * 1.25,
                tags: ["warehouse-\(i % 3)", "fragile"])
        },
        status: .shipped(carrier: "postal", tracking: "TRK-2024-000123456789"),
        notes: "Leave the parcel with the neighbour at number 12 if nobody answers the door.",
        discount: nil,
        attributes: ["channel": "web", "currency": "EUR", "locale": "en-GB", "campaign": "spring-sale"],
        checksum: (0..<32).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
    )
}
