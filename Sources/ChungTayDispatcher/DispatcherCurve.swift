public import ChungTayAccess
public import ZeroMQ

/// CURVE on the dispatcher's endpoints: its key pair (the endpoints are CURVE servers with
/// it) and who may connect (a ZAP handler answers from `access`, and every message's
/// `User-Id` is checked against its current list).
public struct DispatcherCurve: Sendable {
    public var keyPair: CurveKeyPair
    public var access: AccessControl

    public init(keyPair: CurveKeyPair, access: AccessControl) {
        self.keyPair = keyPair
        self.access = access
    }
}
