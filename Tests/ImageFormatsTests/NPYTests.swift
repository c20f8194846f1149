import Foundation
import Imaging
import Testing

@testable import ImageFormats

/// Tests/Fixtures/npy, found from this file's path (see Tests/Fixtures/npy/PROVENANCE.md).
private func npyFixture(_ name: String) throws -> Data {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/npy/\(name)")
    return try Data(contentsOf: url)
}

private func decodeNPY(_ data: Data, limits: ReadLimits = .standard) throws -> NDArray {
    try NPYCodec.decode(data, source: "test.npy", limits: limits)
}

/// An NPY file with a hand-written header (padded like numpy's) followed by `body`.
private func handMade(_ header: String, body: [UInt8], major: UInt8 = 1) -> Data {
    let prefix = major == 1 ? 10 : 12
    var text = Array(header.utf8)
    while (prefix + text.count + 1) % 64 != 0 { text.append(0x20) }
    text.append(0x0A)
    var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [major, 0]
    out += (0..<(prefix - 8)).map { UInt8(truncatingIfNeeded: text.count >> (8 * $0)) }
    return Data(out + text + body)
}

private func isCorrupt(_ error: any Error, containing text: String) -> Bool {
    guard case .corrupt(_, .npy, let reason) = error as? ImageFormatsError else { return false }
    return reason.contains(text)
}

private func bytes<T>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }

/// The arrays make_png_npy_fixtures.py saves as dtype_<name>.npy, shape (2, 3), from n = 0...5.
private let dtypeCases: [(String, NDArray)] = {
    let n = Array(0..<6)
    func array(_ type: ElementType, _ raw: [UInt8]) -> NDArray {
        NDArray(shape: [2, 3], elementType: type, bytes: raw)
    }
    return [
        ("bool", array(.bool, n.map { $0 % 2 == 0 ? 1 : 0 })),
        ("uint8", array(.uint8, n.map { UInt8($0 * 40) })),
        ("int8", array(.int8, bytes(n.map { Int8($0 * 20 - 50) }))),
        ("uint16", array(.uint16, bytes(n.map { UInt16($0 * 10000) }))),
        ("int16", array(.int16, bytes(n.map { Int16($0 * 10000 - 30000) }))),
        ("uint32", array(.uint32, bytes(n.map { UInt32($0 * 700_000_000) }))),
        ("int32", array(.int32, bytes(n.map { Int32($0 * 700_000_000 - 2_000_000_000) }))),
        ("uint64", array(.uint64, bytes(n.map { UInt64($0 * 3) * 1_000_000_000_000_000_000 }))),
        ("int64", array(.int64, bytes(n.map { Int64($0 * 3 - 9) * 1_000_000_000_000_000_000 }))),
        ("float16", array(.float16, bytes(n.map { Float16(Double($0) * 0.5 - 1) }))),
        ("float32", array(.float32, bytes(n.map { Float($0) * 0.25 - 0.5 }))),
        ("float64", array(.float64, bytes(n.map { Double($0) / 3 - 1 }))),
    ]
}()

@Suite("NPY reading numpy's files")
struct NPYFixtureTests {
    @Test("every dtype decodes to numpy's values, and re-encodes to numpy's exact bytes", arguments: dtypeCases)
    func dtype(_ name: String, _ expected: NDArray) throws {
        let file = try npyFixture("dtype_\(name).npy")
        let array = try decodeNPY(file)
        #expect(array == expected)
        #expect(NPYCodec.encode(array) == file)
    }

    @Test("big-endian files are swapped to little-endian", arguments: ["uint16", "int32", "float32", "float64"])
    func bigEndian(_ name: String) throws {
        #expect(
            try decodeNPY(try npyFixture("big_endian_\(name).npy")) == decodeNPY(try npyFixture("dtype_\(name).npy")))
    }

    @Test("Fortran-ordered data is reordered to C order")
    func fortran() throws {
        let array = try decodeNPY(try npyFixture("fortran_int16.npy"))
        #expect(array.shape == [2, 3, 4])
        #expect((0..<24).map { Int(array.value(at: $0)) } == (0..<24).map { $0 * 3 - 7 })
    }

    @Test("version 2.0 and 3.0 headers", arguments: ["v2_float32.npy", "v3_float32.npy"])
    func versions(_ file: String) throws {
        #expect(try decodeNPY(try npyFixture(file)) == dtypeCases[10].1)
    }

    @Test("scalar () and vector (n,) shapes")
    func shapes() throws {
        let scalar = try decodeNPY(try npyFixture("scalar_float64.npy"))
        #expect(scalar.shape == [])
        #expect(scalar.value(at: 0) == 3.5)
        let vector = try decodeNPY(try npyFixture("vector_int64.npy"))
        #expect(vector.shape == [5])
        #expect((0..<5).map { vector.value(at: $0) } == [0, -3, -6, -9, -12])
    }

    @Test("complex data is unsupported, naming the descr")
    func complex() throws {
        #expect(
            throws: ImageFormatsError.unsupported(
                source: "test.npy", format: .npy, feature: "dtype '<c8' (complex numbers)")
        ) {
            try decodeNPY(try npyFixture("complex64.npy"))
        }
    }

    @Test("ImageFormats detects NPY and guesses the axes")
    func throughImageFormats() throws {
        let file = try ImageFormats.decode(try npyFixture("dtype_uint16.npy"), source: "labels.npy")
        #expect(file.format == .npy)
        let labels = try file.labels()
        #expect(labels.shape == [2, 3])
        #expect(labels.labels == [0, 10000, 20000, 30000, 40000, 50000])
    }
}

@Suite("NPY headers written by other tools")
struct NPYHeaderTests {
    @Test(
        "key order, spacing, quotes, trailing commas and Python 2 longs do not matter",
        arguments: [
            "{'descr': '<u2', 'fortran_order': False, 'shape': (2, 3), }",
            "{'shape': (2, 3), 'fortran_order': False, 'descr': '<u2'}",
            "{ \"descr\" : \"<u2\" ,\n 'fortran_order':False,'shape':(2,3,) }",
            "{'descr': '<u2', 'fortran_order': False, 'shape': (2L, 3L)}",
            "{'descr': '=u2', 'fortran_order': False, 'shape': (2, 3)}",
        ])
    func variants(_ header: String) throws {
        let body = bytes((0..<6).map { UInt16($0) })
        #expect(
            try decodeNPY(handMade(header, body: body))
                == NDArray(shape: [2, 3], integers: (0..<6).map { UInt16($0) }, as: .uint16))
    }

    @Test(
        "malformed headers throw corrupt saying what is wrong",
        arguments: [
            ("{'descr': '<u2', 'fortran_order': False}", "no 'shape' key"),
            ("{'descr': '<u2', 'fortran_order': 0, 'shape': (6,)}", "'fortran_order' is not True or False"),
            ("{'descr': '<u2', 'fortran_order': False, 'shape': (-6,)}", "non-negative"),
            ("{'descr': '<u2', 'fortran_order': False, 'shape': 6}", "'shape' is not a tuple"),
            ("{'descr': '<u2', 'fortran_order': False, 'shape': (6,)", "missing '}'"),
            ("__import__('os').system('true')", "not a Python dict literal"),
            ("{'descr': '<u2', 'fortran_order': False, 'shape': (99999999999999999999,)}", "fits 64 bits"),
            (String(repeating: "[", count: 200), "nesting deeper"),
        ])
    func malformed(_ header: String, _ reason: String) {
        #expect {
            try decodeNPY(handMade(header, body: [UInt8](repeating: 0, count: 12)))
        } throws: { isCorrupt($0, containing: reason) }
    }

    @Test(
        "unsupported dtypes are named",
        arguments: [
            ("'<U3'", "dtype '<U3' (unicode strings)"),
            ("'|O'", "dtype '|O' (Python objects)"),
            ("'<M8[s]'", "dtype '<M8[s]' (dates or time spans)"),
            ("[('x', '<f4'), ('y', '<f4')]", "structured dtype [('x', '<f4'), ('y', '<f4')]"),
        ])
    func unsupportedDtype(_ descr: String, _ feature: String) {
        let header = "{'descr': \(descr), 'fortran_order': False, 'shape': (1,), }"
        #expect(throws: ImageFormatsError.unsupported(source: "test.npy", format: .npy, feature: feature)) {
            try decodeNPY(handMade(header, body: [UInt8](repeating: 0, count: 12)))
        }
    }

    @Test("a header whose shape does not match the data throws corrupt")
    func lyingShape() throws {
        let body = bytes((0..<6).map { Float($0) })
        #expect {
            try decodeNPY(handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (100, 100), }", body: body))
        } throws: {
            isCorrupt(
                $0, containing: "the data is truncated: shape [100, 100] of float32 needs 40000 data bytes but only 24")
        }
        #expect {
            try decodeNPY(handMade("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", body: body))
        } throws: { isCorrupt($0, containing: "does not match the data") }
        let file = try npyFixture("dtype_float32.npy")
        #expect { try decodeNPY(file.prefix(file.count - 1)) } throws: { isCorrupt($0, containing: "truncated") }
    }

    @Test("huge declared shapes throw tooLarge without allocating")
    func hugeShape() {
        let header = "{'descr': '<f8', 'fortran_order': False, 'shape': (1000000, 1000000, 1000000), }"
        #expect {
            try decodeNPY(handMade(header, body: []))
        } throws: { error in
            guard case .tooLarge(let source, _, _, _) = error as? ImageFormatsError else { return false }
            return source == "test.npy"
        }
    }

    @Test("bad magic, unknown versions and short headers")
    func framing() {
        #expect { try decodeNPY(Data("\u{93}NUMPZ\u{1}\u{0}xx".utf8)) } throws: { isCorrupt($0, containing: "magic") }
        #expect { try decodeNPY(handMade("{}", body: [], major: 1).prefix(40)) } throws: {
            isCorrupt($0, containing: "header claims")
        }
        #expect(throws: ImageFormatsError.unsupported(source: "test.npy", format: .npy, feature: "format version 4.0"))
        {
            try decodeNPY(handMade("{}", body: [], major: 4))
        }
    }
}

@Suite("NPY writing")
struct NPYEncodeTests {
    static let shapes: [[Int]] = [[], [0], [5], [2, 3], [2, 3, 4], [3, 1, 2, 2]]

    @Test("every element type and shape round-trips, in C and Fortran order", arguments: ElementType.allCases, shapes)
    func roundTrip(_ type: ElementType, _ shape: [Int]) throws {
        let count = shape.reduce(1, *) * type.byteCount
        let original = NDArray(
            shape: shape, elementType: type, bytes: (0..<count).map { UInt8(truncatingIfNeeded: $0 * 37 + 11) })
        for fortran in [false, true] {
            let data = NPYCodec.encode(original, fortranOrder: fortran)
            #expect(data[6] == 1)
            let headerEnd = 10 + Int(data[8]) + Int(data[9]) << 8
            #expect(headerEnd % 64 == 0)
            #expect(data[headerEnd - 1] == 0x0A)
            #expect(try decodeNPY(data) == original)
        }
    }

    @Test("Fortran order writes the first axis fastest")
    func fortranLayout() throws {
        let array = NDArray(shape: [2, 3], integers: [UInt8](0..<6), as: .uint8)
        let data = NPYCodec.encode(array, fortranOrder: true)
        #expect(String(decoding: data[10..<64], as: UTF8.self).contains("'fortran_order': True"))
        #expect(Array(data.suffix(6)) == [0, 3, 1, 4, 2, 5])
    }

    @Test("a header longer than 65535 bytes is written as version 2.0")
    func version2() throws {
        let array = NDArray(shape: [Int](repeating: 1, count: 25_000), elementType: .uint8, bytes: [42])
        let data = NPYCodec.encode(array)
        #expect(data[6] == 2)
        #expect(try decodeNPY(data) == array)
    }
}

/// ImPartial's arrays as make_png_npy_fixtures.py saves them; H = 6, W = 5, n = y * 5 + x.
private let impartialArrays: [(name: String, array: NDArray)] = {
    let n = Array(0..<30)
    return [
        ("image", NDArray(shape: [6, 5, 2], floats: n.flatMap { [Float($0) * 0.25, Float($0) * -0.5] })),
        ("label", NDArray(shape: [6, 5], integers: n.map { UInt16($0 % 4) }, as: .uint16)),
        (
            "scribble",
            NDArray(
                shape: [6, 5, 3], integers: n.flatMap { [UInt8($0 % 3), UInt8($0 % 5), UInt8($0 % 7)] }, as: .uint8)
        ),
        ("val_mask", NDArray(shape: [6, 5], elementType: .bool, bytes: n.map { $0 % 3 == 0 ? 1 : 0 })),
    ]
}()

@Suite("NPZ")
struct NPZTests {
    @Test(
        "numpy's savez and savez_compressed archives in ImPartial's layout",
        arguments: ["impartial.npz", "impartial_compressed.npz"])
    func impartial(_ file: String) throws {
        let arrays = try NPZCodec.decode(try npyFixture(file), source: file, limits: .standard)
        #expect(arrays.map(\.name) == ["image", "label", "scribble", "val_mask"])
        #expect(arrays.map(\.array) == impartialArrays.map(\.array))
    }

    @Test("encoding round-trips ImPartial's layout", arguments: [false, true])
    func roundTrip(compress: Bool) throws {
        let data = try NPZCodec.encode(impartialArrays, compress: compress, path: "out.npz")
        let back = try NPZCodec.decode(data, source: "out.npz", limits: .standard)
        #expect(back.map(\.name) == impartialArrays.map(\.name))
        #expect(back.map(\.array) == impartialArrays.map(\.array))
    }

    @Test("ImageFormats reads the image and label arrays of an ImPartial archive")
    func throughImageFormats() throws {
        let file = try ImageFormats.decode(try npyFixture("impartial_compressed.npz"), source: "train.npz")
        #expect(file.format == .npz)
        let image = try file.image()
        #expect(image.shape == [2, 6, 5])
        #expect(image.pixels[30 + 7] == -3.5)
        #expect(try file.labels().labels == (0..<30).map { UInt32($0 % 4) })
    }

    @Test("a zip bomb stops at maxArchiveBytes with tooLarge")
    func zipBomb() throws {
        let bomb = try ZipEntries.write([("bomb.npy", Data(count: 64 << 20))], compress: true, path: "bomb.npz")
        #expect(bomb.count < 1 << 20)
        #expect {
            try NPZCodec.decode(bomb, source: "bomb.npz", limits: ReadLimits(maxArchiveBytes: 1 << 20))
        } throws: { error in
            guard case .tooLarge("bomb.npz", "decompressed archive bytes", _, 1 << 20) = error as? ImageFormatsError
            else { return false }
            return true
        }
    }

    @Test("a damaged entry is reported with the archive and entry name")
    func damagedEntry() throws {
        let archive = try ZipEntries.write(
            [("image.npy", Data("\u{93}NUMPY junk".utf8))], compress: false, path: "x.npz")
        #expect {
            try NPZCodec.decode(archive, source: "x.npz", limits: .standard)
        } throws: { error in
            guard case .corrupt("x.npz/image.npy", .npy, _) = error as? ImageFormatsError else { return false }
            return true
        }
        #expect(
            throws: ImageFormatsError.corrupt(
                source: "y.npz", format: .npz,
                reason: "no end-of-central-directory record (the archive is truncated or not a zip)")
        ) {
            try NPZCodec.decode(Data("PK\u{3}\u{4}garbage".utf8), source: "y.npz", limits: .standard)
        }
    }

    @Test("empty and repeated names cannot be written")
    func badNames() {
        let a = NDArray(shape: [1], integers: [UInt8(1)], as: .uint8)
        #expect(throws: ImageFormatsError.writeFailed(path: "o.npz", reason: "two arrays are named 'a'")) {
            try NPZCodec.encode([("a", a), ("a", a)], compress: false, path: "o.npz")
        }
        #expect(throws: ImageFormatsError.self) { try NPZCodec.encode([("", a)], compress: false, path: "o.npz") }
    }
}

@Suite("Python literal parser")
struct PythonLiteralTests {
    @Test("nested literals")
    func nested() throws {
        let value = try PythonLiteral.parse(" {'a': [1, (2,), ()], \"b\": {'c': None, 'd': True}, 'e': 'x\\'y'} ")
        #expect(
            value
                == .dict([
                    ("a", .list([.int(1), .tuple([.int(2)]), .tuple([])])),
                    ("b", .dict([("c", .none), ("d", .bool(true))])),
                    ("e", .string("x'y")),
                ]))
    }

    @Test("trailing text is an error")
    func trailing() {
        #expect(throws: PythonLiteral.SyntaxError.self) { try PythonLiteral.parse("{} {}") }
    }
}
