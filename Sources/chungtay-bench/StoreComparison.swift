/// A disturbed run's batch documents against an undisturbed run's of the same batch.
///
/// Per input record (`BatchDocuments.Identity`) the two runs' fingerprints are compared as
/// multisets. A fingerprint the reference has more often than the run is a lost document;
/// one the run has more often is a duplicate when the reference has it too, and a
/// difference otherwise (a lost and an extra document of one record pair up as one
/// difference). A task id stored more than once is also a duplicate: exactly one result
/// document per task, however often it ran.
struct StoreComparison {
    struct Counts {
        var compared = 0
        var lost = 0
        var duplicated = 0
        var differing = 0
    }

    var byKind: [String: Counts] = [:]
    /// A few cases of each problem, for the report.
    var examples: [String] = []

    var total: Counts {
        byKind.values.reduce(into: Counts()) { sum, counts in
            sum.compared += counts.compared
            sum.lost += counts.lost
            sum.duplicated += counts.duplicated
            sum.differing += counts.differing
        }
    }

    var isClean: Bool {
        let sum = total
        return sum.lost == 0 && sum.duplicated == 0 && sum.differing == 0
    }

    init(run: BatchDocuments, reference: BatchDocuments) {
        for kind in BatchDocuments.kinds { byKind[kind] = Counts() }
        for identity in Set(run.byIdentity.keys).union(reference.byIdentity.keys).sorted() {
            let mine = run.byIdentity[identity] ?? []
            let theirs = reference.byIdentity[identity] ?? []
            var counts = byKind[identity.kind] ?? Counts()
            counts.compared += mine.count
            var expected: [UInt64: Int] = [:]
            for document in theirs { expected[document.fingerprint, default: 0] += 1 }
            var missing = 0
            var copies = 0
            var strangers: [BatchDocuments.Document] = []
            var found: [UInt64: Int] = [:]
            for document in mine { found[document.fingerprint, default: 0] += 1 }
            for (fingerprint, wanted) in expected where (found[fingerprint] ?? 0) < wanted {
                missing += wanted - (found[fingerprint] ?? 0)
            }
            for (fingerprint, got) in found where got > (expected[fingerprint] ?? 0) {
                if expected[fingerprint] != nil {
                    copies += got - expected[fingerprint]!
                } else {
                    strangers += mine.filter { $0.fingerprint == fingerprint }
                }
            }
            let differing = min(missing, strangers.count)
            counts.differing += differing + (strangers.count - differing)
            counts.lost += missing - differing
            counts.duplicated += copies
            if missing > 0 || copies > 0 || !strangers.isEmpty, examples.count < 6 {
                var example = "\(identity): \(theirs.count) in the reference, \(mine.count) in the run"
                if let stranger = strangers.first, let original = theirs.first {
                    example += "\n    run:       " + run.line(stranger)
                    example += "\n    reference: " + reference.line(original)
                }
                examples.append(example)
            }
            byKind[identity.kind] = counts
        }
        // The same task stored twice with identical content is already a copy above; a task
        // id repeated on different records is a duplicate the fingerprints cannot see.
        var taskIds: [String: Set<BatchDocuments.Identity>] = [:]
        var repeats: [String: Int] = [:]
        for (identity, documents) in run.byIdentity {
            for document in documents where !document.taskId.isEmpty {
                let key = identity.kind + " " + document.taskId
                if !taskIds[key, default: []].insert(identity).inserted { continue }
                if taskIds[key]!.count > 1 { repeats[identity.kind, default: 0] += 1 }
            }
        }
        for (kind, count) in repeats {
            byKind[kind, default: Counts()].duplicated += count
            if examples.count < 6 { examples.append("\(kind): \(count) task ids stored for more than one record") }
        }
    }
}
