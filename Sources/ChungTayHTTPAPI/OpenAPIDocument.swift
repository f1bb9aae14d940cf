import Hummingbird

/// `GET /openapi.yaml`: docs/openapi.yaml, the document the API is implemented from, served
/// as its own bytes. The module's resource is a symbolic link to that file, embedded in the
/// code at build time (`.embedInCode`, which reads through the link and rebuilds when the
/// file changes), so the served document cannot drift from the repository's and there is no
/// resource bundle to ship beside the executable. No identity is needed to read it.
enum OpenAPIDocument {
    static func register(on router: Router<APIRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "application/yaml", .cacheControl: "no-cache"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: PackageResources.openapi_yaml)))
        }
    }
}
