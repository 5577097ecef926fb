import Logging
import Metrics
import PartisanCore

/// Settings of a ``TransportEndpoint``, with documented defaults.
public struct TransportConfiguration: Sendable {
    /// The shared secret peers must prove they hold.
    public var cookie: Cookie
    /// The largest frame payload sent or accepted, in bytes. Default 64 MiB (Partisan's
    /// `max_message_size`).
    public var maxFrameSize: Int
    /// The largest frame accepted from a peer before it has proved the cookie, in bytes.
    /// Default 4 KiB: a hello and a proof fit; a peer that has proved nothing can make a
    /// connection hold no more than this.
    public var handshakeFrameSize = 4 << 10
    /// How long a handshake may take before the connection is closed. Default 10 s.
    public var handshakeTimeout: Duration
    /// The most inbound connections in their handshake at once. A connection beyond it
    /// displaces the oldest handshake of the remote address that holds the most (refused
    /// `busy`, ``HandshakeError/tooManyHandshakes``), so idle connections cannot lock peers
    /// from other addresses out. Default 1,024. Set after creation.
    public var maxHandshakes = 1_024
    /// The most inbound connections in their handshake at once from one IP address; a
    /// connection beyond it displaces that address's oldest. Default 256 (nodes of one host,
    /// or of one test process, share an address). Set after creation.
    public var maxHandshakesPerAddress = 256
    /// How long an outbound TCP connect may take. Default 5 s.
    public var connectTimeout: Duration
    /// Send queue limits of every connection.
    public var sendQueue: SendQueueLimits
    /// How terms are encoded on the wire.
    public var encoding: ETF.EncodingOptions
    /// Where connection events and failures are logged.
    public var logger: Logger
    /// Where the connections' traffic counters go (see ``MetricName``); the node sets its
    /// runtime's. Default: the factory bootstrapped with swift-metrics' `MetricsSystem`.
    package var metricsFactory: any MetricsFactory = MetricsSystem.factory
    /// Whether this node is hidden (Erlang's `-hidden`): its peers leave it out of their
    /// visible nodes and default node monitoring (see ``NodeType``). Default `false`; set
    /// after creation (`configuration.hidden = true`).
    public var hidden = false
    /// Whether a peer that dials this node is dialled back (``ConnectionSharing/separate``,
    /// the default, as Partisan) or answered on its own connections
    /// (``ConnectionSharing/shared``, as Erlang). Set after creation.
    public var connectionSharing: ConnectionSharing = .separate
    /// Whether the endpoint also listens on one ephemeral port per event loop, each accepting
    /// onto its own loop (announced in hellos, see ``ConnectionLane``), so that a dial-back
    /// lands on the loop of the connection it answers. Default `true`; each costs a socket, so
    /// thousands of nodes in one OS process may turn it off. Set after creation.
    public var listenerPerLoop = true
    /// How long an event loop keeps polling its sockets after it has read from a connection,
    /// before it sleeps in the kernel: Erlang's scheduler busy wait (`+sbwt`). A reply that
    /// arrives within it is read without a thread wake-up, which on virtual machines costs
    /// tens of microseconds per message; the price is a busy core for that long after each
    /// read. Default `.zero` (sleep at once, as `+sbwt none`); about one round trip (100 µs on
    /// loopback) suits request/response traffic on nodes with cores to spare. Set after
    /// creation.
    public var busyWait: Duration = .zero
    /// TLS on every connection of the node, in both directions (see ``TransportTLS``); `nil`,
    /// the default, runs plain TCP. Peers must agree: a TLS node refuses a plain-TCP dialler,
    /// and a plain node a TLS one. Set after creation.
    public var tls: TransportTLS? = nil

    /// Creates a configuration; every setting but the cookie has a default.
    public init(
        cookie: Cookie,
        maxFrameSize: Int = 64 << 20,
        handshakeTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(5),
        sendQueue: SendQueueLimits = .init(),
        encoding: ETF.EncodingOptions = .init(),
        logger: Logger = Logger(label: "partisan.transport")
    ) {
        self.cookie = cookie
        self.maxFrameSize = maxFrameSize
        self.handshakeTimeout = handshakeTimeout
        self.connectTimeout = connectTimeout
        self.sendQueue = sendQueue
        self.encoding = encoding
        self.logger = logger
    }
}
