import Foundation

/// Splits a `multipart/form-data` body (RFC 7578) into parts as it arrives, so no part has to be held in
/// memory whole: `feed` takes the body's chunks in order and reports each part's headers, its bytes (in pieces)
/// and its end. Only what uploads need is read from a part's headers: its field name, file name and content type.
/// Malformed bodies throw a 400 `ServerError` naming what is wrong.
struct MultipartParser {
    struct PartHeaders: Equatable {
        var name: String
        var filename: String?
        var contentType: String?
    }

    enum Event: Equatable {
        case begin(PartHeaders)
        case bytes([UInt8])
        case end
    }

    /// Longest boundary RFC 2046 allows.
    static let maxBoundaryLength = 70
    /// Longest header block of one part, bytes.
    static let maxHeaderBytes = 16 << 10

    private enum State { case preamble, afterDelimiter, headers, body, done }

    /// CRLF, "--" and the boundary: what ends a part (the body's first delimiter needs no CRLF before it).
    private let delimiter: [UInt8]
    private var state = State.preamble
    /// Bytes received, of which those before `start` are reported; compacted once per chunk, so each byte is
    /// moved at most once whatever the number of parts in a chunk.
    private var pending: [UInt8] = Array("\r\n".utf8)
    private var start = 0
    /// How far a header block has been searched for its end: a block trickling in is not rescanned.
    private var headerScanned = 0

    /// The boundary in a `Content-Type: multipart/form-data; boundary=...` header, or nil for other types.
    static func boundary(contentType: String) -> String? {
        let pieces = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard pieces.first?.lowercased() == "multipart/form-data" else { return nil }
        for piece in pieces.dropFirst() where piece.lowercased().hasPrefix("boundary=") {
            var value = String(piece.dropFirst("boundary=".count))
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value.isEmpty ? nil : value
        }
        return nil
    }

    /// A parser for bodies delimited by `boundary`; 400 when the boundary is longer than RFC 2046 allows.
    init(boundary: String) throws {
        guard boundary.utf8.count <= Self.maxBoundaryLength else {
            throw ServerError.badRequest("the multipart boundary is longer than \(Self.maxBoundaryLength) characters")
        }
        delimiter = Array("\r\n--\(boundary)".utf8)
    }

    /// Parses the next chunk of the body, reporting what it completes to `report` in order.
    mutating func feed(_ chunk: some Collection<UInt8>, report: (Event) throws -> Void) throws {
        pending.append(contentsOf: chunk)
        while try step(report) {}
        pending.removeFirst(start)
        headerScanned = max(0, headerScanned - start)
        start = 0
    }

    /// Bytes received and not yet reported.
    private var unread: Int { pending.count - start }

    /// Marks `count` more bytes as reported.
    private mutating func consume(_ count: Int) { start += count }

    /// Checks that the body ended with its closing delimiter.
    func finish() throws {
        switch state {
        case .done: return
        case .preamble: throw ServerError.badRequest("the multipart body does not contain its boundary")
        default: throw ServerError.badRequest("the multipart body ends without its closing boundary")
        }
    }

    /// Advances by one state change when the pending bytes allow it; false when more bytes are needed.
    private mutating func step(_ report: (Event) throws -> Void) throws -> Bool {
        switch state {
        case .preamble:
            guard let found = Self.find(delimiter, in: pending, from: start) else {
                consume(max(0, unread - (delimiter.count - 1)))
                return false
            }
            consume(found - start + delimiter.count)
            state = .afterDelimiter
        case .afterDelimiter:
            guard unread >= 2 else { return false }
            if pending[start] == UInt8(ascii: "-"), pending[start + 1] == UInt8(ascii: "-") {
                state = .done
            } else if pending[start] == UInt8(ascii: "\r"), pending[start + 1] == UInt8(ascii: "\n") {
                state = .headers
                headerScanned = start + 2
            } else {
                throw ServerError.badRequest("a multipart boundary is not followed by a line break")
            }
            consume(2)
        case .headers:
            let headerEnd: Int
            let skip: Int
            if unread >= 2, pending[start] == UInt8(ascii: "\r"), pending[start + 1] == UInt8(ascii: "\n") {
                (headerEnd, skip) = (start, 2)
            } else if let found = Self.find(Self.blankLine, in: pending, from: max(start, headerScanned - 3)) {
                (headerEnd, skip) = (found, 4)
            } else {
                headerScanned = pending.count
                guard unread <= Self.maxHeaderBytes else {
                    throw ServerError.badRequest("a multipart part's headers exceed \(Self.maxHeaderBytes) bytes")
                }
                return false
            }
            guard headerEnd - start <= Self.maxHeaderBytes else {
                throw ServerError.badRequest("a multipart part's headers exceed \(Self.maxHeaderBytes) bytes")
            }
            try report(.begin(try Self.headers(String(decoding: pending[start..<headerEnd], as: UTF8.self))))
            consume(headerEnd - start + skip)
            state = .body
        case .body:
            guard let found = Self.find(delimiter, in: pending, from: start) else {
                let safe = unread - (delimiter.count - 1)
                guard safe > 0 else { return false }
                try report(.bytes(Array(pending[start..<start + safe])))
                consume(safe)
                return false
            }
            if found > start { try report(.bytes(Array(pending[start..<found]))) }
            try report(.end)
            consume(found - start + delimiter.count)
            state = .afterDelimiter
        case .done:
            consume(unread)  // the epilogue is ignored
            return false
        }
        return true
    }

    private static let blankLine = Array("\r\n\r\n".utf8)

    /// The offset of the first occurrence of `needle` in `haystack` at or after `offset`.
    private static func find(_ needle: [UInt8], in haystack: [UInt8], from offset: Int) -> Int? {
        guard let first = needle.first, haystack.count - offset >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { bytes -> Int? in
            var start = offset
            let last = bytes.count - needle.count
            while start <= last {
                guard let base = bytes.baseAddress,
                    let hit = memchr(base + start, Int32(first), last - start + 1)
                else { return nil }
                let offset = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if needle.indices.allSatisfy({ bytes[offset + $0] == needle[$0] }) { return offset }
                start = offset + 1
            }
            return nil
        }
    }

    /// A part's field name, file name and content type from its header lines.
    private static func headers(_ text: String) throws -> PartHeaders {
        var name: String?
        var filename: String?
        var contentType: String?
        for line in text.components(separatedBy: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if key == "content-type" { contentType = value }
            guard key == "content-disposition" else { continue }
            for parameter in value.split(separator: ";").dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2 else { continue }
                let unquoted =
                    pair[1].hasPrefix("\"") && pair[1].hasSuffix("\"") && pair[1].count >= 2
                    ? String(pair[1].dropFirst().dropLast()) : pair[1]
                switch pair[0].lowercased() {
                case "name": name = unquoted
                case "filename": filename = unquoted
                default: break
                }
            }
        }
        guard let name else { throw ServerError.badRequest("a multipart part has no Content-Disposition name") }
        return PartHeaders(name: name, filename: filename, contentType: contentType)
    }
}
