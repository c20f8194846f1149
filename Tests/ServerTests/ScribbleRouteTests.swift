import Foundation
import Hummingbird
import HummingbirdTesting
import ImageFormats
import Imaging
import Testing

@testable import Server

@Suite struct ScribbleRouteTests {
    @Test func concurrentEditsAreDetectedNotLost() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let project = try await client.createProject()
            let image = try await client.uploadNuclei(to: project.id)
            let shape = [image.shape.height, image.shape.width]
            let empty = try await client.json("/api/images/\(image.id)/scribbles")
            #expect(empty.headers[.eTag] == "\"0\"")
            #expect(try ImageFormats.decode(empty.data, source: "s").labels().labels.allSatisfy { $0 == 0 })

            var values = [UInt32](repeating: 0, count: shape[0] * shape[1])
            values[0] = 255
            values[5] = 1
            let edit = try ImageFormats.encode(try LabelImage(shape: shape, labels: values), format: .png)
            let unconditional = try await client.execute(
                uri: "/api/images/\(image.id)/scribbles", method: .put, body: ByteBuffer(bytes: edit))
            #expect(unconditional.status == .preconditionRequired)
            let first = try await client.execute(
                uri: "/api/images/\(image.id)/scribbles", method: .put, headers: [.ifMatch: "\"0\""],
                body: ByteBuffer(bytes: edit))
            #expect(first.status == .ok && first.headers[.eTag] == "\"1\"")
            #expect(try first.decoded(ImageDTO.self).scribbles.foregroundPixels == 1)
            // A second editor still on version 0 is refused; the first edit stays.
            var other = values
            other[9] = 1
            let stale = try await client.execute(
                uri: "/api/images/\(image.id)/scribbles", method: .put, headers: [.ifMatch: "\"0\""],
                body: ByteBuffer(
                    bytes: try ImageFormats.encode(try LabelImage(shape: shape, labels: other), format: .png)))
            #expect(stale.status == .preconditionFailed && stale.errorMessage.contains("changed since version 0"))
            let stored = try await client.json("/api/images/\(image.id)/scribbles?format=png")
            #expect(stored.headers[.eTag] == "\"1\"")
            #expect(try ImageFormats.decode(stored.data, source: "s").labels().labels == values)
            #expect(try await client.json("/api/images/\(image.id)").decoded(ImageDTO.self).status == "scribbled")
        }
    }

    @Test func scribblesMustFitTheImageAndTheClasses() async throws {
        let server = try TestServer()
        defer { server.removeFiles() }
        try await server.run { client in
            let project = try await client.createProject()
            let image = try await client.uploadNuclei(to: project.id)
            let wrongShape = try ImageFormats.encode(
                try LabelImage(shape: [8, 8], labels: [UInt32](repeating: 1, count: 64)), format: .png)
            let shapeResponse = try await client.execute(
                uri: "/api/images/\(image.id)/scribbles", method: .put, headers: [.ifMatch: "0"],
                body: ByteBuffer(bytes: wrongShape))
            #expect(shapeResponse.status == .unprocessableContent && shapeResponse.errorMessage.contains("8x8"))
            let count = image.shape.height * image.shape.width
            let unknownClass = try ImageFormats.encode(
                try LabelImage(
                    shape: [image.shape.height, image.shape.width], labels: [UInt32](repeating: 7, count: count)),
                format: .png)
            let classResponse = try await client.execute(
                uri: "/api/images/\(image.id)/scribbles", method: .put, headers: [.ifMatch: "0"],
                body: ByteBuffer(bytes: unknownClass))
            #expect(classResponse.status == .unprocessableContent && classResponse.errorMessage.contains("value 7"))
            let badETag = try await client.execute(
                uri: "/api/images/\(image.id)/scribbles", method: .put, headers: [.ifMatch: "latest"],
                body: ByteBuffer(bytes: unknownClass))
            #expect(badETag.status == .badRequest)
        }
    }
}
