import ChungTayStore

extension Dispatcher {
    /// Deletes the payload segments that no queued or dead job needs any more. Nothing
    /// else reads a payload once its job is complete, and a 1,000,000-household batch
    /// leaves 1.8 GB of chunk payloads behind; kept forever, they would fill the disk of
    /// an office that reviews its lists every month.
    func collectPayloadSegments() {
        payloadCollectionDue = false
        payloadRolloversSeen = payloadStore.rollovers
        do {
            let removed = try payloadStore.removeSegments(kind: Self.payloadKind, keeping: try journal.payloadFilesInUse())
            if !removed.isEmpty {
                logger.info("payload segments removed", metadata: ["files": "\(removed.joined(separator: ","))"])
            }
        } catch {
            logger.warning("cannot remove payload segments; will try again at the next rollover, batch completion or start",
                           metadata: ["error": "\(error)"])
        }
    }
}
