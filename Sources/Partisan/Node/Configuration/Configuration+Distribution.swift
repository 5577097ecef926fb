import PartisanDistribution

extension PartisanNode.Configuration {
    /// The settings of a node that talks to others.
    public struct Distribution: Sendable {
        /// The host or IP address the node listens on. Default `127.0.0.1`. On any address but
        /// loopback the ``cookie`` must not be weak (``Cookie/isWeak``). `0.0.0.0` or `::`
        /// listen on every interface; set ``advertisedHost`` then.
        public var listenHost = "127.0.0.1"
        /// The TCP port the node listens on. Default 0: a free port, reported by
        /// ``PartisanNode/listenAddress`` once started.
        public var listenPort = 0
        /// The host or IP address peers dial to reach this node, announced in its handshakes
        /// and in membership gossip. `nil`, the default, announces ``listenHost``, or, when
        /// that is a wildcard (`0.0.0.0`, `::`), the host of the node's name (`10.0.0.5` for
        /// `app@10.0.0.5`, `pod-3.app.ns.svc` for `app@pod-3.app.ns.svc`), as Erlang's peers
        /// reach a node at its name's host. Set it behind an address translation, or when the
        /// name's host is not an address peers can dial.
        public var advertisedHost: String?
        /// Which overlay decides who connects to whom. Default ``Overlay/fullMesh``.
        public var overlay: Overlay = .fullMesh
        /// The channels of every peer connection. Default ``ChannelSpec/standard``; `default`
        /// is added when missing (process traffic travels on it).
        public var channels = ChannelSpec.standard
        /// Gossip, heartbeats and failure detection (a silent peer is down after
        /// ``MembershipConfiguration/suspectAfter``), reconnection backoff, join timeout.
        public var membership = MembershipConfiguration()
        /// Connections: the cookie and TLS (also reachable as ``cookie`` and ``tls``), frame
        /// and queue limits, timeouts, handshake caps, connection sharing. Its logger is
        /// replaced by the node's (``PartisanNode/Configuration/logging``).
        public var transport: TransportConfiguration

        /// Settings for a node whose peers prove `cookie`; every other setting has its default.
        public init(cookie: Cookie) {
            self.transport = TransportConfiguration(cookie: cookie)
        }

        /// The secret peers must prove they hold (Erlang's cookie): ``transport``'s.
        public var cookie: Cookie {
            get { transport.cookie }
            set { transport.cookie = newValue }
        }

        /// TLS on every connection of the node, or `nil` (the default) for plain TCP:
        /// ``transport``'s (see ``TransportTLS``).
        public var tls: TransportTLS? {
            get { transport.tls }
            set { transport.tls = newValue }
        }
    }
}
