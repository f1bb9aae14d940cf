import ChungTayWire

extension ClientRequest {
    /// The command as docs/PROTOCOL.md names it, for refusals and their log lines.
    var commandName: String {
        switch self {
        case .submit: "SUBMIT"
        case .job: "JOB"
        case .wait: "WAIT"
        case .status: "STATUS"
        case .deadLetters: "DEAD-LETTERS"
        case .retryDeadLetters: "RETRY-DEAD-LETTERS"
        case .batchOpen: "BATCH-OPEN"
        case .batchSeal: "BATCH-SEAL"
        case .batchStatus: "BATCH-STATUS"
        case .batchList: "BATCH-LIST"
        case .results: "RESULTS"
        }
    }
}
