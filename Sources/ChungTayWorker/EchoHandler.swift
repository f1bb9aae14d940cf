import ChungTayWire

/// `system.echo`: returns its payload. The health check and the benchmark load.
public struct EchoHandler: TaskHandler {
    public let kind = "system.echo"

    public init() {}

    public func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput {
        .document(ResultDocument.opaqueBody(task.payload))
    }
}
