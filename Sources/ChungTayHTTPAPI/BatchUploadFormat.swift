import Foundation

/// The formats an uploaded list may be in, told by the piece's `Content-Type`.
///
/// The spooled file's extension is what `RecordReader` reads the format from, exactly as
/// for a file given to `chungtay batch submit`; so a piece's media type must agree with
/// the extension of the file it extends, and the spool needs no record of its own.
enum BatchUploadFormat: Sendable, Equatable {
    /// `text/csv`: RFC 4180, the first piece carrying the header row.
    case csv
    /// `application/jsonl` or `application/x-ndjson`: one SCHEMA.md record per line.
    case jsonLines

    /// The format of a `Content-Type` value (parameters such as `charset` ignored, case
    /// insensitive); nil for any other media type.
    init?(contentType: String) {
        let mediaType = contentType.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        switch mediaType.trimmingCharacters(in: .whitespaces).lowercased() {
        case "text/csv": self = .csv
        case "application/jsonl", "application/x-ndjson": self = .jsonLines
        default: return nil
        }
    }

    /// The format a spooled file's name stands for (`RecordReader`'s own extensions).
    init?(fileName: String) {
        guard let dot = fileName.lastIndex(of: ".") else { return nil }
        switch fileName[fileName.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "jsonl", "ndjson", "json": self = .jsonLines
        default: return nil
        }
    }

    var defaultExtension: String {
        switch self {
        case .csv: "csv"
        case .jsonLines: "jsonl"
        }
    }

    /// The media types a piece may be sent as, for the problem document of a refused one.
    static let mediaTypes = "text/csv, application/jsonl, application/x-ndjson"
}
