public import Hummingbird

/// The API's successful answers: a JSON body (the dispatcher's documents passed on as they
/// came), never cached, since every one is the queue's state at that moment.
public enum APIResponse {
    public static func json(_ status: HTTPResponse.Status, _ body: [UInt8], headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        fields[.cacheControl] = "no-store"
        return Response(status: status, headers: fields, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    public static func json(_ status: HTTPResponse.Status, _ text: String, headers: HTTPFields = [:]) -> Response {
        json(status, Array(text.utf8), headers: headers)
    }
}
