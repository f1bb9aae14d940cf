import AsyncHTTPClient
import Foundation
import NIOCore

/// The HTTP gateway adapter: one POST per message to `--sms-gateway`, its body from the
/// template, and the answer judged (``SMSSendOutcome``). Redirects are not followed (the
/// credentials would go wherever the gateway points); connecting and the whole request have
/// their own time limits, so a gateway that hangs costs one timeout, then a retry.
public final class SMSGateway: Sendable {
    /// One SMS to send.
    public struct Message: Sendable, Equatable {
        public var phone: String
        /// The whole text, sent in one request however long: the gateway splits it into
        /// concatenated SMS parts, as Vietnamese gateways do for long texts.
        public var text: String
        /// The same on every attempt of the message (`OUTBOX-RECIPIENT`), for the gateway to
        /// recognise a resend after an answer that never arrived.
        public var reference: String

        public init(phone: String, text: String, reference: String) {
            self.phone = phone
            self.text = text
            self.reference = reference
        }
    }

    /// The most of an answer read: enough for any gateway's status object.
    static let maxAnswerBytes = 65_536

    private let configuration: SMSGatewayConfiguration
    private let client: HTTPClient

    public init(configuration: SMSGatewayConfiguration) {
        self.configuration = configuration
        let settings = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: Self.timeAmount(configuration.connectTimeout), read: Self.timeAmount(configuration.requestTimeout))
        )
        client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: settings)
    }

    /// Sends one message and judges the answer; never throws: every failure is an outcome.
    public func send(_ message: Message) async -> SMSSendOutcome {
        var request = HTTPClientRequest(url: configuration.url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: configuration.template.format.contentType)
        request.headers.add(name: "User-Agent", value: "chungtay")
        if let authorization = configuration.authorization { request.headers.add(name: "Authorization", value: authorization) }
        request.body = .bytes(ByteBuffer(bytes: body(for: message)))
        let deadline = ContinuousClock.now + configuration.requestTimeout
        do {
            let response = try await client.execute(request, timeout: Self.timeAmount(configuration.requestTimeout))
            // The status decides; an answer too long, cut short or too slow still has one (and
            // without --sms-accept-json-member a 2xx whose body never arrives was still accepted).
            let answer = await Self.collect(response.body, before: deadline)
            return SMSSendOutcome.classify(status: Int(response.status.code), body: answer, acceptMember: configuration.acceptMember)
        } catch {
            return .transient(Self.describe(error))
        }
    }

    /// Up to `maxAnswerBytes` of the answer, or what came before `deadline`: the request's
    /// timeout covers the whole exchange, so a gateway that trickles its answer a byte at a
    /// time cannot hold the channel past it.
    private static func collect(_ body: HTTPClientResponse.Body, before deadline: ContinuousClock.Instant) async -> [UInt8] {
        await withTaskGroup(of: [UInt8]?.self) { group in
            group.addTask { (try? await body.collect(upTo: maxAnswerBytes)).map { Array(buffer: $0) } ?? [] }
            group.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? []
        }
    }

    /// The request body for `message`: the template filled with its values and the credentials.
    func body(for message: Message) -> [UInt8] {
        var values: [SMSBodyTemplate.Placeholder: String] = [.phone: message.phone, .text: message.text, .reference: message.reference]
        values[.sender] = configuration.sender
        values[.username] = configuration.credentials.username
        values[.password] = configuration.credentials.password
        values[.token] = configuration.credentials.token
        return configuration.template.render(values)
    }

    /// Closes the client's connections; call once, when no send is running any more.
    public func shutdown() async throws {
        try await client.shutdown()
    }

    /// A failure without an answer, short: `timeout`, `connection refused`, or the error's own words.
    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .connectTimeout: return "connect timeout"
            case .deadlineExceeded, .readTimeout, .writeTimeout: return "timeout"
            case .remoteConnectionClosed: return "connection closed before the answer"
            default: return "http client: \(error)"
            }
        }
        return "no answer: \(error)"
    }

    /// Timeouts are seconds the options bound to a day, far from overflowing nanoseconds.
    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let (seconds, attoseconds) = duration.components
        return .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
