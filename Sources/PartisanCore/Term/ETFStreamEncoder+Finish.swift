// Finishing frames: a keyed frame becomes a map with its entries in Erlang's key order (or,
// as an enum, an atom or a tagged tuple), a list frame `[]`, `STRING_EXT` or `LIST_EXT`.
extension ETFStreamEncoder {
    /// Finishes the innermost frame.
    func popFrame() {
        let frame = frames.removeLast()
        switch frame.kind {
        case .unkeyed:
            finishList(frame)
        case .keyed where frame.isPayload && !frames.isEmpty:
            // Shaped by the parent when it finishes; its own last entry is shaped now.
            if let pending = frame.pending {
                guard frame.count > 1 else {
                    failed = true  // an enum payload that is itself enum-shaped
                    return
                }
                finishMap(start: pending.start, firstEntry: pending.firstEntry, count: pending.count)
                entries.removeSubrange(pending.firstEntry...)
            }
            frames[frames.count - 1].pending = ETFPendingPayload(
                start: frame.start, firstEntry: frame.firstEntry, count: frame.count,
                tupleLike: frame.keysAreIndices)
        case .keyed:
            finishKeyed(frame)
            entries.removeSubrange(frame.firstEntry...)
        }
    }

    private func finishKeyed(_ frame: ETFEncodingFrame) {
        if let payload = frame.pending {
            if frame.count == 1 {
                finishEnum(frame, payload)
                return
            }
            finishMap(start: payload.start, firstEntry: payload.firstEntry, count: payload.count)
            entries.removeSubrange(payload.firstEntry...)
        }
        finishMap(start: frame.start, firstEntry: frame.firstEntry, count: frame.count)
    }

    /// `#{tag => #{}}` is the atom `tag`, `#{tag => #{'_0' => A, '_1' => B}}` the tuple
    /// `{tag, A, B}`, anything else a map.
    private func finishEnum(_ frame: ETFEncodingFrame, _ payload: ETFPendingPayload) {
        let tag = entries[frame.firstEntry]
        let tagLength = tag.valueStart - tag.segmentStart
        if payload.count == 0 {
            moveBytes(tag.segmentStart..<tag.valueStart, to: frame.start)
            bytes.removeSubrange((frame.start + tagLength)...)
        } else if payload.tupleLike {
            let arity = payload.count + 1
            let headerLength = arity <= 255 ? 2 : 5
            var write = frame.start + headerLength
            moveBytes(tag.segmentStart..<tag.valueStart, to: write)
            write += tagLength
            let end = bytes.count
            for i in 0..<payload.count {
                let entry = entries[payload.firstEntry + i]
                let valueEnd = i + 1 < payload.count ? entries[payload.firstEntry + i + 1].segmentStart : end
                moveBytes(entry.valueStart..<valueEnd, to: write)
                write += valueEnd - entry.valueStart
            }
            bytes.removeSubrange(write...)
            if headerLength == 2 {
                bytes[frame.start] = ETFTag.smallTuple
                bytes[frame.start + 1] = UInt8(arity)
            } else {
                bytes[frame.start] = ETFTag.largeTuple
                storeUInt32(UInt32(arity), at: frame.start + 1)
            }
        } else {
            finishMap(start: payload.start, firstEntry: payload.firstEntry, count: payload.count)
            finishMap(start: frame.start, firstEntry: frame.firstEntry, count: 1)
        }
        entries.removeSubrange(frame.firstEntry...)
    }

    /// Sorts the entries of the map at `start` (`count` entries from `firstEntry`, running to
    /// the end of `bytes`) into Erlang's key order, keeps the last of equal keys, and writes
    /// the header.
    func finishMap(start: Int, firstEntry: Int, count: Int) {
        let end = bytes.count
        func segment(_ i: Int) -> Range<Int> {
            entries[firstEntry + i].segmentStart..<(i + 1 < count ? entries[firstEntry + i + 1].segmentStart : end)
        }
        func key(_ i: Int) -> Range<Int> { entries[firstEntry + i].segmentStart..<entries[firstEntry + i].valueStart }
        var unique = count
        if count > 1 {
            // Insertion sort (stable; maps are small), then drop all but the last of equal keys.
            order.removeAll(keepingCapacity: true)
            var sorted = true
            for i in 0..<count {
                var j = order.count
                while j > 0 && compareAtoms(key(order[j - 1]), key(i)) > 0 { j -= 1 }
                if j != order.count { sorted = false }
                order.insert(i, at: j)
            }
            var kept = 0
            for i in 0..<order.count {
                if i + 1 < order.count && compareAtoms(key(order[i]), key(order[i + 1])) == 0 { continue }
                order[kept] = order[i]
                kept += 1
            }
            if kept != count { sorted = false }
            unique = kept
            if !sorted {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: bytes[(start + 5)..<end])
                let base = start + 5
                bytes.removeSubrange(base...)
                for i in 0..<kept {
                    let range = segment(order[i])
                    bytes.append(contentsOf: scratch[(range.lowerBound - base)..<(range.upperBound - base)])
                }
            }
        }
        bytes[start] = ETFTag.map
        storeUInt32(UInt32(truncatingIfNeeded: unique), at: start + 1)
    }

    /// A list frame: `[]`, a `STRING_EXT` when every element is a `SMALL_INTEGER_EXT` and
    /// there are at most 65535, else `LIST_EXT` with a `NIL_EXT` tail.
    func finishList(_ frame: ETFEncodingFrame) {
        finishList(start: frame.start, count: frame.count)
    }

    /// Finishes the list whose `LIST_EXT` placeholder is at `start`, with `count` elements.
    func finishList(start: Int, count: Int) {
        if count == 0 {
            bytes[start] = ETFTag.nilList
            bytes.removeSubrange((start + 1)...)
            return
        }
        let body = start + 5
        if count <= 65535 && bytes.count - body == 2 * count && isSmallIntegerRun(body, count) {
            // Each element is 2 bytes starting with SMALL_INTEGER_EXT, so they are all small integers.
            bytes[start] = ETFTag.string
            bytes[start + 1] = UInt8(truncatingIfNeeded: count >> 8)
            bytes[start + 2] = UInt8(truncatingIfNeeded: count)
            for i in 0..<count { bytes[start + 3 + i] = bytes[body + 2 * i + 1] }
            bytes.removeSubrange((start + 3 + count)...)
            return
        }
        bytes[start] = ETFTag.list
        storeUInt32(UInt32(truncatingIfNeeded: count), at: start + 1)
        bytes.append(ETFTag.nilList)
    }

    private func isSmallIntegerRun(_ body: Int, _ count: Int) -> Bool {
        for i in 0..<count where bytes[body + 2 * i] != ETFTag.smallInteger { return false }
        return true
    }

    // MARK: Bytes

    /// Copies `range` to `destination` (at or before `range.lowerBound`) within `bytes`.
    func moveBytes(_ range: Range<Int>, to destination: Int) {
        guard destination != range.lowerBound, !range.isEmpty else { return }
        bytes.withUnsafeMutableBytes { raw in
            let base = raw.baseAddress!
            (base + destination).copyMemory(from: base + range.lowerBound, byteCount: range.count)
        }
    }

    func storeUInt32(_ value: UInt32, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value >> 24)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: value)
    }

    /// Three-way Erlang order of two encoded ASCII atoms in `bytes` (atoms compare by text).
    func compareAtoms(_ a: Range<Int>, _ b: Range<Int>) -> Int {
        let (aText, bText) = (atomText(a), atomText(b))
        return bytes.withUnsafeBytes { raw in
            let common = min(aText.count, bText.count)
            for i in 0..<common {
                let (x, y) = (raw[aText.lowerBound + i], raw[bText.lowerBound + i])
                if x != y { return x < y ? -1 : 1 }
            }
            return aText.count == bText.count ? 0 : (aText.count < bText.count ? -1 : 1)
        }
    }

    private func atomText(_ atom: Range<Int>) -> Range<Int> {
        bytes[atom.lowerBound] == ETFTag.smallAtomUTF8
            ? (atom.lowerBound + 2)..<atom.upperBound : (atom.lowerBound + 3)..<atom.upperBound
    }
}
