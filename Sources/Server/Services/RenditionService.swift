import Foundation
import ImageFormats
import Imaging
import Storage
import Training

/// Display renditions of stored images: 8-bit PNG previews and 256x256 tiles of a pyramid, per channel or as a
/// colour composite, for one slice of a stack. Each channel is scaled by its own 0.5th..99.5th percentile (fixed
/// per image, so tiles match); the client adjusts contrast on the 8-bit values. Decoded planes and encoded tiles
/// are cached, so repeated reads cost a dictionary look-up.
final class RenditionService: Sendable {
    static let tileSide = 256
    /// Composite colours by channel (RGB, 0...1): one channel grey; else green, magenta, cyan, yellow, red, blue.
    static let palette: [(Float, Float, Float)] = [(0, 1, 0), (1, 0, 1), (0, 1, 1), (1, 1, 0), (1, 0, 0), (0, 0, 1)]

    /// One image's channels as 8-bit planes: `planes[c][z * height * width + y * width + x]`.
    struct Display: Sendable {
        var channels: Int
        var depth: Int
        var height: Int
        var width: Int
        var planes: [[UInt8]]
    }

    let blobs: BlobStore
    private let displays: LRUCache<String, Display>
    private let encoded: LRUCache<String, Data>

    init(blobs: BlobStore, cacheBytes: Int) {
        self.blobs = blobs
        self.displays = LRUCache(capacity: cacheBytes * 3 / 4)
        self.encoded = LRUCache(capacity: cacheBytes / 4)
    }

    func forget(imageID: String) {
        displays.removeAll { $0 == imageID }
        encoded.removeAll { $0.hasPrefix(imageID + "/") }
    }

    /// The decoded, display-scaled planes of `image`.
    func display(of image: ImageRecord) throws -> Display {
        if let cached = displays[image.id] { return cached }
        let data = try blobs.read(image.path, checksum: image.checksum)
        let decoded = try InputPreparation.reducedChannels(
            of: try ImageFormats.decode(data, source: image.name).image())
        let plane = decoded.planeCount
        var planes: [[UInt8]] = []
        for c in 0..<decoded.channels {
            let values = decoded.channel(c)
            let range = try Percentiles.of(values, [0.5, 99.5])
            let low = range[0]
            let scale = range[1] > low ? 255 / (range[1] - low) : 0
            planes.append(values.map { UInt8(max(0, min(255, (($0 - low) * scale).rounded()))) })
        }
        let display = Display(
            channels: decoded.channels, depth: decoded.depth, height: decoded.height, width: decoded.width,
            planes: planes)
        displays.insert(display, for: image.id, cost: plane * decoded.channels)
        return display
    }

    /// A PNG of the whole slice `z`, scaled so its longer side is at most `size` pixels.
    func preview(of image: ImageRecord, size: Int, channel: Int?, z: Int) throws -> Data {
        let key = "\(image.id)/preview/\(size)/\(channel ?? -1)/\(z)"
        if let cached = encoded[key] { return cached }
        let display = try display(of: image)
        try check(channel: channel, z: z, display: display)
        let factor = max(1, Int((Double(max(display.height, display.width)) / Double(max(size, 1))).rounded(.up)))
        let png = try render(
            display, channel: channel, z: z, y0: 0, x0: 0, factor: factor,
            height: (display.height + factor - 1) / factor, width: (display.width + factor - 1) / factor)
        encoded.insert(png, for: key, cost: png.count)
        return png
    }

    /// The pyramid's levels: level 0 is full resolution, level k halves it k times, until one tile holds it.
    static func levelCount(height: Int, width: Int) -> Int {
        var levels = 1
        var side = max(height, width)
        while side > tileSide {
            side = (side + 1) / 2
            levels += 1
        }
        return levels
    }

    /// The tile, if it is cached: a look-up cheap enough to answer without leaving the event loop.
    func cachedTile(of imageID: String, level: Int, row: Int, column: Int, channel: Int?, z: Int) -> Data? {
        encoded[Self.tileKey(imageID, level: level, row: row, column: column, channel: channel, z: z)]
    }

    private static func tileKey(_ imageID: String, level: Int, row: Int, column: Int, channel: Int?, z: Int) -> String {
        "\(imageID)/tile/\(level)/\(row)/\(column)/\(channel ?? -1)/\(z)"
    }

    /// Tile (`row`, `column`) of pyramid level `level` (side 256 or less at the edges) as a PNG.
    func tile(of image: ImageRecord, level: Int, row: Int, column: Int, channel: Int?, z: Int) throws -> Data {
        let key = Self.tileKey(image.id, level: level, row: row, column: column, channel: channel, z: z)
        if let cached = encoded[key] { return cached }
        let display = try display(of: image)
        try check(channel: channel, z: z, display: display)
        let levels = Self.levelCount(height: display.height, width: display.width)
        guard (0..<levels).contains(level) else {
            throw ServiceError.notFound("level \(level) does not exist: the image has levels 0...\(levels - 1)")
        }
        let factor = 1 << level
        let (levelHeight, levelWidth) = ((display.height + factor - 1) / factor, (display.width + factor - 1) / factor)
        let side = Self.tileSide
        // Compared as counts, never multiplied: a huge row or column cannot overflow.
        let (rows, columns) = ((levelHeight + side - 1) / side, (levelWidth + side - 1) / side)
        guard (0..<rows).contains(row), (0..<columns).contains(column) else {
            throw ServiceError.notFound(
                "tile (\(row), \(column)) is outside level \(level), which has \(rows) rows and \(columns) columns")
        }
        let png = try render(
            display, channel: channel, z: z, y0: row * side * factor, x0: column * side * factor, factor: factor,
            height: min(side, levelHeight - row * side), width: min(side, levelWidth - column * side))
        encoded.insert(png, for: key, cost: png.count)
        return png
    }

    private func check(channel: Int?, z: Int, display: Display) throws {
        if let channel, !(0..<display.channels).contains(channel) {
            throw ServiceError.unacceptable(
                "channel \(channel) does not exist: the image has channels 0...\(display.channels - 1)",
                field: "channel")
        }
        guard (0..<display.depth).contains(z) else {
            throw ServiceError.unacceptable(
                "slice z=\(z) does not exist: the image has slices 0...\(display.depth - 1)", field: "z")
        }
    }

    /// Samples every `factor`-th pixel from (`y0`, `x0`) into a `height` x `width` PNG: grey for one channel
    /// (or a single-channel image), else the palette composite.
    private func render(
        _ display: Display, channel: Int?, z: Int, y0: Int, x0: Int, factor: Int, height: Int, width: Int
    ) throws -> Data {
        let channels = channel.map { [$0] } ?? Array(0..<display.channels)
        let grey = channels.count == 1
        let outputChannels = grey ? 1 : 3
        var pixels = [Float](repeating: 0, count: outputChannels * height * width)
        let planeOffset = z * display.height * display.width
        for y in 0..<height {
            let sourceRow = planeOffset + min(display.height - 1, y0 + y * factor) * display.width
            for x in 0..<width {
                let source = sourceRow + min(display.width - 1, x0 + x * factor)
                if grey {
                    pixels[y * width + x] = Float(display.planes[channels[0]][source])
                    continue
                }
                for (k, c) in channels.enumerated() {
                    let value = Float(display.planes[c][source])
                    let colour = Self.palette[k % Self.palette.count]
                    pixels[y * width + x] += value * colour.0
                    pixels[height * width + y * width + x] += value * colour.1
                    pixels[2 * height * width + y * width + x] += value * colour.2
                }
            }
        }
        if !grey { for i in pixels.indices { pixels[i] = min(255, pixels[i]) } }
        let image = try Image(shape: [outputChannels, height, width], pixels: pixels, sourceType: .uint8)
        return try ImageFormats.encode(image, format: .png)
    }
}
