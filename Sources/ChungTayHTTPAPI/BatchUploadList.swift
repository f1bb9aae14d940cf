/// Which of a batch's two input lists an uploaded piece extends: the path segment of
/// `POST /v1/batches/{id}/households` and `…/loans`, and the spool's directory name.
enum BatchUploadList: String, CaseIterable, Sendable {
    case households
    case loans

    /// The file name the documents' `source.file` cites when the first piece names none:
    /// `households.csv`, `loans.jsonl`…, the names `chungtay demo-data` writes, so that a
    /// list uploaded without `?file=` yields the same documents as the same file given to
    /// `chungtay batch submit`.
    func defaultFileName(_ format: BatchUploadFormat) -> String {
        "\(rawValue).\(format.defaultExtension)"
    }
}
