import PartisanCore

/// The answer of ``TransportDelegate/admit(_:)``.
package enum Admission: Sendable, Hashable {
    /// Let the peer connect.
    case accept
    /// Close the connection; `reason` is logged and reported as
    /// ``HandshakeError/notAdmitted(_:reason:)``, and the peer is told its
    /// ``AdmissionRefusal/wireReason``.
    case refuse(AdmissionRefusal)
}
