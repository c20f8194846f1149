import Foundation
import Imaging

/// NumPy's `.npz` format (`np.savez`, `np.savez_compressed`): a zip archive of `<name>.npy` entries.
/// ImPartial stores its training data this way (`image`, `label`, `scribble`, `val_mask`).
enum NPZCodec {
    /// The arrays in the archive, in archive order, named without the `.npy` suffix. Entries whose
    /// names do not end in `.npy` are skipped.
    ///
    /// Throws `corrupt` when the zip or an entry cannot be read (entries are named as
    /// "archive.npz/name.npy"), `tooLarge` when the decompressed entries or their count exceed
    /// `limits` (counted while inflating, so zip bombs stop early), and whatever `NPYCodec.decode`
    /// throws for an entry.
    static func decode(_ data: Data, source: String, limits: ReadLimits) throws -> [(name: String, array: NDArray)] {
        let entries = try ZipEntries.read(
            data, source: source, format: .npz, limits: limits, include: { $0.lowercased().hasSuffix(".npy") })
        return try entries.map { entry in
            let array = try NPYCodec.decode(entry.bytes, source: "\(source)/\(entry.name)", limits: limits)
            return (String(entry.name.dropLast(4)), array)
        }
    }

    /// A zip archive holding each array as `<name>.npy` (NPY 1.0, C order), in the given order;
    /// deflated like `np.savez_compressed` when `compress` is true, stored like `np.savez` otherwise.
    /// Throws `writeFailed` for empty or repeated names, or when the archive cannot be assembled.
    static func encode(_ arrays: [(name: String, array: NDArray)], compress: Bool, path: String) throws -> Data {
        var seen = Set<String>()
        for (name, _) in arrays {
            guard !name.isEmpty else {
                throw ImageFormatsError.writeFailed(path: path, reason: "an array has an empty name")
            }
            guard seen.insert(name).inserted else {
                throw ImageFormatsError.writeFailed(path: path, reason: "two arrays are named '\(name)'")
            }
        }
        let entries = arrays.map { (name: "\($0.name).npy", bytes: NPYCodec.encode($0.array)) }
        return try ZipEntries.write(entries, compress: compress, path: path)
    }
}
