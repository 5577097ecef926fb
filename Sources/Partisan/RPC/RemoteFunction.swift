/// A named function that other nodes can call, with its argument and result types: the
/// typed handle on a name such as `"kv.get"`.
///
/// Swift has no `apply(Module, Function, Args)`, so a node exposes functions by name
/// (``RPCService/register(_:handler:)``) and callers name them. Declare the function once,
/// where both sides see it, and use it to register and to call:
///
/// ```swift
/// let get = RemoteFunction<String, Int?>("kv.get")
/// server.rpcService.register(get) { key in table[key] }
/// let value = try await client.erpc.call(get, on: server.name, "answer")
/// ```
///
/// Arguments and results cross nodes through ``TermEncoder``/``TermDecoder``, so both types
/// need only be `Codable`; the two sides only have to agree on the shape.
public struct RemoteFunction<Arguments: Codable & Sendable, Result: Codable & Sendable>: Sendable, Hashable,
    CustomStringConvertible
{
    /// The name the function is registered under.
    public let name: String

    /// The function registered as `name`.
    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }
}
