public import ChungTayWire

/// `system.echo`: returns its payload. The health check and the benchmark load.
public struct EchoHandler: TaskHandler {
    public let kind = TaskKind.systemEcho

    public init() {}

    public func handle(_ task: TaskContext) throws(HandlerError) -> HandlerOutput {
        .document(ResultDocument.opaqueBody(task.payload))
    }
}
