import Foundation

/// The JSON header of a safetensors file, checked field by field.
struct SafetensorsHeader {
    /// Tensor entries, sorted by name.
    let entries: [SafetensorsEntry]
    let metadata: [String: String]
    private let path: String

    /// Parses `bytes` (the header, possibly padded with spaces); `path` names the file in errors.
    init(_ bytes: Data, path: String) throws {
        self.path = path
        func fail(_ reason: String) -> TensorsError { .modelFile(path: path, reason: reason) }
        guard let text = String(data: bytes, encoding: .utf8) else { throw fail("its header is not UTF-8 text") }
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        } catch {
            throw fail("its header is not valid JSON (\(text.prefix(60))…)")
        }
        guard let fields = object as? [String: Any] else { throw fail("its header is not a JSON object") }
        var metadata: [String: String] = [:]
        if let raw = fields[ModelFile.metadataName] {
            guard let strings = raw as? [String: Any] else { throw fail("'__metadata__' is not a JSON object") }
            for (key, value) in strings {
                guard let string = value as? String else {
                    throw fail("'__metadata__' must map names to strings; '\(key)' holds \(value)")
                }
                metadata[key] = string
            }
        }
        self.metadata = metadata
        entries = try fields.keys.sorted().filter { $0 != ModelFile.metadataName }.map { name in
            try Self.entry(name: name, fields[name]!, fail: fail)
        }
    }

    /// One tensor's entry: dtype, shape and offsets present, well-formed and consistent with each other.
    private static func entry(name: String, _ raw: Any, fail: (String) -> TensorsError) throws -> SafetensorsEntry {
        guard let fields = raw as? [String: Any] else {
            throw fail("the entry of tensor '\(name)' is not a JSON object")
        }
        guard let dtypeName = fields["dtype"] as? String else { throw fail("tensor '\(name)' has no \"dtype\" string") }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw fail("tensor '\(name)' has dtype \(dtypeName); only F32, F64, F16 and BF16 can be read")
        }
        guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw fail("tensor '\(name)' has no \"shape\" array of non-negative integers")
        }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2, offsets[0] >= 0,
            offsets[0] <= offsets[1]
        else {
            throw fail("tensor '\(name)' has no \"data_offsets\" pair [begin, end] with 0 ≤ begin ≤ end")
        }
        guard (1...6).contains(shape.count), shape.allSatisfy({ $0 > 0 }) else {
            throw fail("tensor '\(name)' has shape \(shape); CellScribe holds tensors of 1 to 6 positive extents")
        }
        var byteCount = dtype.byteCount
        for extent in shape {
            let (product, overflow) = byteCount.multipliedReportingOverflow(by: extent)
            guard !overflow else { throw fail("tensor '\(name)' has shape \(shape), too large to address") }
            byteCount = product
        }
        guard offsets[1] - offsets[0] == byteCount else {
            throw fail(
                "tensor '\(name)' of shape \(shape) and dtype \(dtypeName) needs \(byteCount) bytes but its "
                    + "data_offsets \(offsets) span \(offsets[1] - offsets[0])")
        }
        return SafetensorsEntry(name: name, dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
    }

    /// An array of JSON integers (not floats or booleans), or nil.
    private static func integers(_ raw: Any?) -> [Int]? {
        guard let array = raw as? [Any] else { return nil }
        var result: [Int] = []
        for element in array {
            // Exact conversion: 2.5 is not an integer.
            guard let value = element as? Int else { return nil }
            result.append(value)
        }
        return result
    }

    /// Checks that every tensor's bytes lie within a data section of `dataCount` bytes and no two overlap.
    func validateOffsets(dataCount: Int) throws {
        func fail(_ reason: String) -> TensorsError { .modelFile(path: path, reason: reason) }
        for entry in entries where entry.range.upperBound > dataCount {
            throw fail(
                "the data of tensor '\(entry.name)' ends at byte \(entry.range.upperBound) but the data section "
                    + "holds \(dataCount) bytes (truncated file?)")
        }
        let ordered = entries.sorted { ($0.range.lowerBound, $0.name) < ($1.range.lowerBound, $1.name) }
        for (previous, next) in zip(ordered, ordered.dropFirst())
        where next.range.lowerBound < previous.range.upperBound {
            throw fail(
                "the data of tensors '\(previous.name)' \(previous.range) and '\(next.name)' \(next.range) overlap")
        }
    }
}
