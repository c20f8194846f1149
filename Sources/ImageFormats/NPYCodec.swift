import Foundation
import Imaging

// PLACEHOLDER: replaced by the NPY/NPZ implementation.
enum NPYCodec {
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> NDArray {
        throw ImageFormatsError.unsupported(source: source, format: .npy, feature: "not implemented yet")
    }
    static func encode(_ array: NDArray, fortranOrder: Bool = false) -> Data { Data() }
}

enum NPZCodec {
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> [(name: String, array: NDArray)] {
        throw ImageFormatsError.unsupported(source: source, format: .npz, feature: "not implemented yet")
    }
    static func encode(_ arrays: [(name: String, array: NDArray)], compress: Bool, path: String) throws -> Data {
        throw ImageFormatsError.unsupported(source: path, format: .npz, feature: "not implemented yet")
    }
}
