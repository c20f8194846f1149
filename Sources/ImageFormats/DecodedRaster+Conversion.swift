import Foundation
import Imaging

extension DecodedRaster {
    /// Names the axes of a bare array (NPY) by shape, the conventions of the field:
    /// 2D `(Y, X)`; 3D `(C, Y, X)` when the first extent is at most 8 and smaller than the last two,
    /// `(Y, X, C)` when the last extent is at most 8 and smaller than the first two, else `(Z, Y, X)`;
    /// 4D `(C, Z, Y, X)` or `(Z, Y, X, C)` by the same rule.
    init(guessingAxesOf array: NDArray, source: String) throws {
        let s = array.shape
        func small(_ i: Int, than others: [Int]) -> Bool { s[i] <= 8 && others.allSatisfy { s[i] < s[$0] } }
        let axes: [Axis]
        switch s.count {
        case 2: axes = [.y, .x]
        case 3:
            if small(0, than: [1, 2]) {
                axes = [.c, .y, .x]
            } else if small(2, than: [0, 1]) {
                axes = [.y, .x, .c]
            } else {
                axes = [.z, .y, .x]
            }
        case 4:
            if small(0, than: [2, 3]) {
                axes = [.c, .z, .y, .x]
            } else if small(3, than: [1, 2]) {
                axes = [.z, .y, .x, .c]
            } else {
                throw ImageFormatsError.incompatibleContent(
                    source: source, reason: "cannot tell which axis of shape \(s) holds channels")
            }
        default:
            throw ImageFormatsError.incompatibleContent(
                source: source,
                reason: "an array of rank \(s.count) (shape \(s)) is not an image; expected 2 to 4 dimensions")
        }
        self.init(array: array, axes: axes, notes: ["axes guessed from the shape: \(axes.map(\.rawValue).joined())"])
    }

    /// The array reordered to the canonical axis order T, C, Z, Y, X (absent axes stay absent).
    func canonical() -> DecodedRaster {
        let orderNames: [Axis] = [.t, .c, .z, .y, .x]
        let order = orderNames.compactMap { axes.firstIndex(of: $0) }
        var copy = self
        copy.array = array.permuted(order)
        copy.axes = order.map { axes[$0] }
        return copy
    }

    /// The raster as an `Image` `(C, [Z,] Y, X)`. Throws for time series with more than one frame.
    public func image(source: String) throws -> Image {
        let t = extent(.t)
        guard t == 1 else {
            throw ImageFormatsError.unsupported(
                source: source, format: .tiff, feature: "time series (T = \(t) frames); save one time point")
        }
        guard axes.contains(.y), axes.contains(.x) else {
            throw ImageFormatsError.incompatibleContent(
                source: source, reason: "the array has no Y and X axes (axes \(axes))")
        }
        let c = canonical()
        let z = extent(.z)
        let shape = z > 1 ? [extent(.c), z, extent(.y), extent(.x)] : [extent(.c), extent(.y), extent(.x)]
        var spacing = self.spacing
        if z <= 1 { spacing?.z = nil }
        return try Image(
            shape: shape, pixels: c.array.floatValues(), sourceType: array.elementType, spacing: spacing,
            channelNames: channelNames?.count == extent(.c) ? channelNames : nil)
    }

    /// The raster as a `LabelImage` `([Z,] Y, X)`. Throws when it has several channels or frames,
    /// or values that are not labels.
    public func labels(source: String) throws -> LabelImage {
        guard extent(.c) == 1, extent(.t) == 1 else {
            throw ImageFormatsError.incompatibleContent(
                source: source,
                reason:
                    "a label image has one channel, but this one has \(extent(.c)) channels and \(extent(.t)) frames")
        }
        let c = canonical()
        let z = extent(.z)
        let shape = z > 1 ? [z, extent(.y), extent(.x)] : [extent(.y), extent(.x)]
        do {
            return try LabelImage(shape: shape, labels: c.array.labelValues(source: source), spacing: spacing)
        } catch let error as ImagingError {
            throw ImageFormatsError.incompatibleContent(source: source, reason: error.description)
        }
    }

    /// A raster for writing `image` with samples of `sampleType`, converted with rounding and clamping
    /// for integer types. Falls back to float32 for types `format` cannot store.
    init(image: Image, sampleType: ElementType, format: FileFormat) throws {
        let writable: Set<ElementType> =
            switch format {
            case .tiff: [.uint8, .uint16, .float32]
            case .png: [.uint8, .uint16]
            default: [.bool, .uint8, .int8, .uint16, .int16, .uint32, .int32, .float32, .float64]
            }
        var type = writable.contains(sampleType) ? sampleType : .float32
        if format == .png, !writable.contains(sampleType) {
            guard image.pixels.allSatisfy({ $0 >= 0 && $0 <= 65535 && $0.rounded() == $0 }) else {
                throw ImageFormatsError.unsupported(
                    source: "image", format: .png,
                    feature: "\(sampleType) samples that are not whole numbers 0...65535; write TIFF")
            }
            type = image.pixels.allSatisfy { $0 <= 255 } ? .uint8 : .uint16
        }
        let array = NDArray(converting: image.pixels, shape: image.shape, to: type)
        self.init(
            array: array, axes: image.isVolume ? [.c, .z, .y, .x] : [.c, .y, .x], spacing: image.spacing,
            channelNames: image.channelNames)
    }

    /// A raster for writing `labels`: uint16 when every label fits, otherwise uint32 (or an error when
    /// `allow32Bit` is false; callers check first).
    init(labels: LabelImage, allow32Bit: Bool) {
        let array: NDArray
        if labels.maxLabel <= UInt32(UInt16.max) || !allow32Bit {
            array = NDArray(
                shape: labels.shape, integers: labels.labels.map { UInt16(truncatingIfNeeded: $0) }, as: .uint16)
        } else {
            array = NDArray(shape: labels.shape, integers: labels.labels, as: .uint32)
        }
        self.init(array: array, axes: labels.isVolume ? [.z, .y, .x] : [.y, .x], spacing: labels.spacing)
    }
}

extension NDArray {
    /// Float samples converted to `type`: integers rounded to nearest and clamped to the type's range.
    init(converting values: [Float], shape: [Int], to type: ElementType) {
        func ints<T: FixedWidthInteger>(_: T.Type) -> [T] {
            values.map { v in
                guard v.isFinite else { return v > 0 ? T.max : (v < 0 ? T.min : 0) }
                let r = Double(v).rounded()
                if r <= Double(T.min) { return T.min }
                if r >= Double(T.max) { return T.max }
                return T(r)
            }
        }
        switch type {
        case .bool: self.init(shape: shape, elementType: .bool, bytes: values.map { $0 != 0 ? 1 : 0 })
        case .uint8: self.init(shape: shape, integers: ints(UInt8.self), as: .uint8)
        case .int8: self.init(shape: shape, integers: ints(Int8.self), as: .int8)
        case .uint16: self.init(shape: shape, integers: ints(UInt16.self), as: .uint16)
        case .int16: self.init(shape: shape, integers: ints(Int16.self), as: .int16)
        case .uint32: self.init(shape: shape, integers: ints(UInt32.self), as: .uint32)
        case .int32: self.init(shape: shape, integers: ints(Int32.self), as: .int32)
        case .uint64: self.init(shape: shape, integers: ints(UInt64.self), as: .uint64)
        case .int64: self.init(shape: shape, integers: ints(Int64.self), as: .int64)
        case .float64:
            let d = values.map { Double($0).bitPattern.littleEndian }
            self.init(shape: shape, elementType: .float64, bytes: d.withUnsafeBytes { Array($0) })
        case .float16, .float32: self.init(shape: shape, floats: values)
        }
    }
}

extension ImageFile {
    /// The image this file holds (NPZ: the `image` array, or its only array). ROI sets are not images.
    public func image() throws -> Image {
        switch content {
        case .raster(let raster): return try raster.image(source: source)
        case .arrays(let arrays):
            return try DecodedRaster(guessingAxesOf: pick(arrays, .image), source: source).image(source: source)
        case .rois:
            throw ImageFormatsError.incompatibleContent(
                source: source, reason: "an ImageJ ROI set holds outlines, not an image; read it as labels")
        }
    }

    /// The label image this file holds (NPZ: the `label` array; ROI sets rasterised at `shape` `(Y, X)`,
    /// default: the extent of the ROIs).
    public func labels(shape: [Int]? = nil) throws -> LabelImage {
        switch content {
        case .raster(let raster): return try raster.labels(source: source)
        case .arrays(let arrays):
            return try DecodedRaster(guessingAxesOf: pick(arrays, .label), source: source).labels(source: source)
        case .rois(let set):
            let size = shape ?? [set.extent.height, set.extent.width]
            guard size.count == 2, size.allSatisfy({ $0 > 0 }) else {
                throw ImageFormatsError.incompatibleContent(
                    source: source, reason: "ROIs are rasterised onto a 2D (Y, X) shape; got \(size)")
            }
            return try set.rasterize(height: size[0], width: size[1])
        }
    }

    private func pick(_ arrays: [NamedArray], _ name: ImPartialArrayName) throws -> NDArray {
        if let match = arrays.first(where: { $0.name == name.rawValue }) { return match.array }
        if arrays.count == 1 { return arrays[0].array }
        throw ImageFormatsError.incompatibleContent(
            source: source,
            reason: "the archive has no '\(name.rawValue)' array (it has \(arrays.map(\.name).joined(separator: ", ")))"
        )
    }
}
