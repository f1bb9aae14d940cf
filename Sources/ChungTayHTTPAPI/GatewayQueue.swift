/// The requests waiting for a free slot on one of ``DispatcherGateway``'s connections, in the
/// order they were handed over, which is also the order of their deadlines: the first is the
/// next to be sent and the first to expire, so neither sending nor expiring searches.
///
/// Bounded by ``DispatcherGateway/maxPending``, which callers are checked against before a
/// request is handed over.
struct GatewayQueue {
    private var requests: [GatewayRequest] = []
    /// Where the queue starts in `requests`: taking the first moves it instead of the rest.
    private var head = 0

    var first: GatewayRequest? { head < requests.count ? requests[head] : nil }

    mutating func append(contentsOf handedOver: [GatewayRequest]) {
        requests += handedOver
    }

    mutating func removeFirst() {
        head += 1
        // Let go of what was taken once it is the larger part (amortized constant time).
        if head == requests.count {
            requests.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 64, head * 2 >= requests.count {
            requests.removeFirst(head)
            head = 0
        }
    }

    /// Takes the requests whose deadline is `now` or before: a prefix of the queue.
    mutating func removeExpired(at now: ContinuousClock.Instant) -> [GatewayRequest] {
        var expired: [GatewayRequest] = []
        while let request = first, request.deadline <= now {
            expired.append(request)
            removeFirst()
        }
        return expired
    }

    mutating func removeAll() -> [GatewayRequest] {
        defer {
            requests.removeAll()
            head = 0
        }
        return Array(requests[head...])
    }
}
