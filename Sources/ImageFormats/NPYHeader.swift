import Imaging

/// The meaning of an NPY header dict: `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`.
struct NPYHeader: Equatable {
    var elementType: ElementType
    /// The file stores multi-byte samples big-endian (they are swapped on decode).
    var bigEndian: Bool
    var fortranOrder: Bool
    var shape: [Int]

    /// Interprets the header text. Throws `corrupt` for malformed headers and `unsupported` (naming
    /// the descr) for dtypes CellScribe does not read: complex, strings, objects, structured, datetime.
    init(text: String, source: String) throws {
        func corrupt(_ reason: String) -> ImageFormatsError {
            .corrupt(source: source, format: .npy, reason: reason)
        }
        let literal: PythonLiteral
        do {
            literal = try PythonLiteral.parse(text)
        } catch let error as PythonLiteral.SyntaxError {
            throw corrupt("the header is not a Python dict literal (\(error.message)): \(text.prefix(200))")
        }
        guard case .dict(let items) = literal else { throw corrupt("the header is not a dict: \(text.prefix(200))") }
        func entry(_ key: String) throws -> PythonLiteral {
            guard let found = items.last(where: { $0.key == key }) else {
                throw corrupt("the header has no '\(key)' key")
            }
            return found.value
        }
        switch try entry("descr") {
        case .string(let descr):
            guard let type = NPYHeader.parseDescr(descr) else {
                throw ImageFormatsError.unsupported(
                    source: source, format: .npy, feature: "dtype '\(descr)' (\(NPYHeader.describeUnsupported(descr)))")
            }
            (elementType, bigEndian) = type
        case let other:
            throw ImageFormatsError.unsupported(
                source: source, format: .npy, feature: "structured dtype \(NPYHeader.render(other).prefix(200))")
        }
        guard case .bool(let fortran) = try entry("fortran_order") else {
            throw corrupt("'fortran_order' is not True or False")
        }
        fortranOrder = fortran
        guard case .tuple(let extents) = try entry("shape") else { throw corrupt("'shape' is not a tuple") }
        shape = try extents.map { extent in
            guard case .int(let n) = extent, n >= 0 else {
                throw corrupt(
                    "'shape' \(NPYHeader.render(.tuple(extents))) holds something other than non-negative integers")
            }
            return n
        }
    }

    /// Element type and byte order of a simple descr such as `<f4`, `>u2`, `|b1`, `=i8`; nil otherwise.
    static func parseDescr(_ descr: String) -> (ElementType, bigEndian: Bool)? {
        var code = Substring(descr)
        var order: Character = "="
        if let first = code.first, "<>|=".contains(first) {
            order = first
            code = code.dropFirst()
        }
        let types: [Substring: ElementType] = [
            "b1": .bool, "?": .bool, "u1": .uint8, "i1": .int8, "u2": .uint16, "i2": .int16, "u4": .uint32,
            "i4": .int32, "u8": .uint64, "i8": .int64, "f2": .float16, "f4": .float32, "f8": .float64,
        ]
        guard let type = types[code] else { return nil }
        // '=' and '|' mean native order, and every platform CellScribe runs on is little-endian.
        return (type, order == ">" && type.byteCount > 1)
    }

    /// What kind of unsupported data a descr holds, for the error message.
    static func describeUnsupported(_ descr: String) -> String {
        let kind = descr.drop { "<>|=".contains($0) }.first
        switch kind {
        case "c": return "complex numbers"
        case "U": return "unicode strings"
        case "S", "a": return "byte strings"
        case "O": return "Python objects"
        case "V": return "raw or structured records"
        case "M", "m": return "dates or time spans"
        case "f": return "a floating-point width other than 16, 32 or 64 bits"
        default: return "not a numeric type CellScribe reads"
        }
    }

    /// A literal written back roughly as Python would, for messages.
    static func render(_ literal: PythonLiteral) -> String {
        switch literal {
        case .string(let s): "'\(s)'"
        case .int(let n): "\(n)"
        case .bool(let b): b ? "True" : "False"
        case .none: "None"
        case .tuple(let items): "(" + items.map(render).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .list(let items): "[" + items.map(render).joined(separator: ", ") + "]"
        case .dict(let items): "{" + items.map { "'\($0.key)': \(render($0.value))" }.joined(separator: ", ") + "}"
        }
    }

    /// The descr NPYCodec writes for `type`: little-endian, or `|` for single bytes.
    static func descr(for type: ElementType) -> String {
        switch type {
        case .bool: "|b1"
        case .uint8: "|u1"
        case .int8: "|i1"
        case .uint16: "<u2"
        case .int16: "<i2"
        case .uint32: "<u4"
        case .int32: "<i4"
        case .uint64: "<u8"
        case .int64: "<i8"
        case .float16: "<f2"
        case .float32: "<f4"
        case .float64: "<f8"
        }
    }
}
