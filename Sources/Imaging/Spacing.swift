import Foundation

/// Physical size of one pixel (voxel), as stated by the file.
public struct Spacing: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Size along X, in `unit`s.
    public var x: Double
    /// Size along Y, in `unit`s.
    public var y: Double
    /// Size along Z, in `unit`s; nil for 2D images or when the file does not state it.
    public var z: Double?
    /// Unit name as the file gives it ("micron", "µm", "nm", ...); "pixel" when unknown.
    public var unit: String

    public init(x: Double, y: Double, z: Double? = nil, unit: String = "micron") {
        self.x = x
        self.y = y
        self.z = z
        self.unit = unit
    }

    public var description: String {
        let parts = [z.map { "z \(format($0))" }, "y \(format(y))", "x \(format(x))"].compactMap { $0 }
        return parts.joined(separator: ", ") + " \(unit)"
    }

    private func format(_ v: Double) -> String {
        String(format: "%.6g", v)
    }
}
