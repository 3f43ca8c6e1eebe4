// leaktools: WinDbg JavaScript extension. Load with .scriptload leaktools.js, then run !leaktools.
var __leaktools = (function (exports) {
    'use strict';

    // Numbers as a WinDbg user reads them.
    /** 4991221760 -> "4,991,221,760". */
    function groupDigits(value) {
        const sign = value < 0 ? "-" : "";
        const digits = String(Math.floor(Math.abs(value)));
        let out = "";
        for (let i = 0; i < digits.length; i++) {
            if (i > 0 && (digits.length - i) % 3 === 0)
                out += ",";
            out += digits[i];
        }
        return sign + out;
    }
    const UNITS = ["bytes", "KB", "MB", "GB", "TB", "PB"];
    /** 4991221760 -> "4.65 GB"; below 1 KB the exact count. Binary units, as Task Manager and !vm use. */
    function humanBytes(value) {
        const sign = value < 0 ? "-" : "";
        let n = Math.abs(value);
        if (n < 1024)
            return sign + n + " bytes";
        let unit = 0;
        while (n >= 1024 && unit < UNITS.length - 1) {
            n /= 1024;
            unit++;
        }
        return sign + (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2)) + " " + UNITS[unit];
    }
    /** 0x1559 -> "0x1559". */
    function hex$2(value) {
        return (value < 0 ? "-0x" : "0x") + Math.abs(value).toString(16);
    }
    /** "1 allocation", "3 allocations": English plurals in the messages, not "allocation(s)". */
    function plural(count, noun, nounPlural = noun + "s") {
        return groupDigits(count) + " " + (count === 1 ? noun : nounPlural);
    }
    /**
     * A target-time interval, one wording for every command (@$leaks, !heapleaks): `7,200 s (2.0 h)`, seconds for the
     * rate's arithmetic and a larger unit to read; under two minutes `42.5 s`.
     */
    function duration(seconds) {
        const s = Math.abs(seconds);
        const text = groupDigits(Math.round(s)) + " s";
        if (s < 120)
            return s.toFixed(1) + " s";
        const unit = s < 7200 ? (s / 60).toFixed(1) + " min" : s < 172800 ? (s / 3600).toFixed(1) + " h" : (s / 86400).toFixed(1) + " days";
        return text + " (" + unit + ")";
    }

    // Kept equal to package.json's version by a test.
    const VERSION = "0.1.0";

    // Aligned text tables for the debugger's command window.
    /** Header, a rule, then one line per row; the last column is not padded. */
    function renderTable(columns, rows, indent = "") {
        const cells = rows.map((row) => columns.map((c) => oneLine$1(c.value(row))));
        const widths = columns.map((c, i) => cells.reduce((w, r) => Math.max(w, r[i].length), c.header.length));
        const line = (values) => indent +
            values
                .map((v, i) => {
                const last = i === values.length - 1;
                if (columns[i].align === "right")
                    return pad$1(v, widths[i], true);
                return last ? v : pad$1(v, widths[i], false);
            })
                .join("  ")
                .replace(/\s+$/, "");
        const out = [line(columns.map((c) => c.header)), indent + widths.map((w) => repeat("-", w)).join("  ")];
        for (const r of cells)
            out.push(line(r));
        return out;
    }
    function pad$1(text, width, left) {
        const fill = repeat(" ", Math.max(0, width - text.length));
        return left ? fill + text : text + fill;
    }
    function repeat(ch, n) {
        let s = "";
        for (let i = 0; i < n; i++)
            s += ch;
        return s;
    }
    /** Target strings may hold newlines or control bytes; a table cell never does. */
    function oneLine$1(text) {
        return text.replace(/[\x00-\x1f\x7f]/g, "?");
    }

    // The shape every command's text takes (issue 24): the answer first, then the details, then one "Next:" block.
    // Shared so that every command words sizes, pools and follow-ups the same way.
    /**
     * A size as text: hex as the debugger prints sizes, with a human figure. 0x380 -> "0x380 (896 bytes)",
     * 0x129c00000 -> "0x129c00000 (4.65 GB)". Records keep the exact number; only text uses this.
     */
    function sizeText(bytes) {
        const sign = bytes < 0 ? "-" : "";
        const n = Math.abs(bytes);
        return sign + "0x" + n.toString(16) + " (" + (n < 1024 ? groupDigits(n) + (n === 1 ? " byte" : " bytes") : humanBytes(n)) + ")";
    }
    /**
     * The one "Next:" style of every command:
     *   Next:
     *     !poolallocs "Leak"            every live allocation of the tag, small blocks too
     *     db ffffa38c`12345000 L0x380   the first block's bytes
     * Commands are real values, never placeholders; the block is left out when there is nothing to suggest.
     */
    function nextBlock(steps) {
        const shown = steps.filter((s) => s.command.length > 0);
        if (shown.length === 0)
            return [];
        const width = Math.min(60, Math.max(...shown.map((s) => s.command.length)));
        return ["Next:"].concat(shown.map((s) => "  " + pad(s.command, width) + (s.why ? "  " + s.why : "")));
    }
    function pad(text, width) {
        return text.length >= width ? text : text + " ".repeat(width - text.length);
    }
    /**
     * Layout provenance (output conventions 2): which structures this session decoded with a built-in layout, and the
     * full reason, for `!leaktools`. Module state lives as long as the script is loaded, i.e. one debugger session.
     */
    const builtInLayoutsUsed = new Map();
    /**
     * The one short line a command prints after its answer when it decoded `layout` from a built-in variant, the first
     * time in the session for that structure: `Layout: built-in _POOL_TRACKER_TABLE (Windows 10 1709-22H2 x64), not from
     * nt's symbols; !leaktools shows why.` Empty when the symbols gave the layout or the line was already printed.
     * A guessed layout (unknown build) says "guessed", since a guess must say so.
     */
    function layoutNote(layout) {
        if (layout.origin !== "built-in")
            return [];
        const seen = builtInLayoutsUsed.has(layout.typeName);
        builtInLayoutsUsed.set(layout.typeName, layout.description);
        if (seen)
            return [];
        const label = layout.variantLabel ? " (" + layout.variantLabel + ")" : "";
        return ["Layout: " + (layout.guessed ? "guessed " : "") + "built-in " + layout.typeName + label + ", not from the symbols; !leaktools shows why."];
    }
    /** Every built-in layout used this session with its full reason, for `!leaktools`. */
    function builtInLayoutsThisSession() {
        const out = [];
        builtInLayoutsUsed.forEach((description, typeName) => out.push({ typeName, description }));
        return out;
    }

    /**
     * The kernel build behind a reported build number: Windows 10 1909 (18363) runs 1903's kernel (18362), 20H2 to
     * 22H2 (19042-19045) run 2004's (19041); their enablement packages change the number NtBuildNumber reports only.
     */
    function kernelBuildOf(reported) {
        if (reported === 18363)
            return 18362;
        if (reported >= 19042 && reported <= 19045)
            return 19041;
        return reported;
    }
    function resolveLayout(spec, typeSource, pointerSize, build) {
        const type = typeSource(spec.module, spec.typeName);
        const fromSymbols = layoutFromType(spec, type);
        if (fromSymbols)
            return fromSymbols;
        const why = type ? symbolsLackField(spec, type) : notInSymbols(spec);
        const candidates = spec.variants.filter((v) => v.pointerSize === pointerSize);
        if (candidates.length === 0) {
            return { kind: "layoutMissing", typeName: spec.typeName, reason: why + "; no built-in layout for " + pointerSize * 8 + "-bit targets" };
        }
        if (build !== null) {
            const chosen = candidates.find((v) => (v.minBuild === undefined || build >= v.minBuild) && (v.maxBuild === undefined || build <= v.maxBuild));
            if (!chosen)
                return { kind: "layoutMissing", typeName: spec.typeName, reason: why + "; no built-in layout for build " + build };
            return builtInLayout(spec, chosen, why + "; using the built-in layout for " + chosen.label + checkedNote(chosen, build), false);
        }
        // Unknown build: the newest variant is the likeliest on a machine being debugged today, and we say it is a guess.
        const newest = candidates.reduce((a, b) => ((b.minBuild || 0) > (a.minBuild || 0) ? b : a));
        return builtInLayout(spec, newest, why + "; the Windows build is unknown, so this guesses the built-in layout for " + newest.label + " (the newest)", true);
    }
    /** A resolved layout from a built-in variant, described by `description` (see ResolvedLayout.description). */
    function builtInLayout(spec, variant, description, guessed) {
        return {
            typeName: spec.typeName,
            size: variant.size,
            offsets: variant.offsets,
            sizes: variant.sizes || {},
            origin: "built-in",
            description: spec.typeName + ": " + description,
            guessed,
            variantLabel: variant.label,
        };
    }
    /** Why the symbols were not used, when the type is absent: with the command that loads them. */
    function notInSymbols(spec) {
        return "not in the symbols (.reload /f " + (spec.module === "nt" ? "nt" : spec.module + ".dll") + " to get them)";
    }
    /** A field enumerated or, when fields do not enumerate (issue 14), found by name. */
    function fieldOf(type, name) {
        return type.fields[name] || (type.lookup ? type.lookup(name) : null);
    }
    function symbolsLackField(spec, type) {
        const missing = spec.fields.filter((f) => !fieldOf(type, f));
        return "the symbols' " + spec.module + "!" + spec.typeName + " has no " + missing.join(", ") + " (a layout leaktools does not know)";
    }
    /** ", checked against build 19041's PDB" when the variant was held against this build's kernel, or how far it was. */
    function checkedNote(variant, build) {
        const checked = variant.checkedAgainst || [];
        if (checked.length === 0)
            return " (not checked against a PDB)";
        const kernel = build === null ? null : kernelBuildOf(build);
        if (kernel !== null && checked.indexOf(kernel) >= 0)
            return ", checked against build " + kernel + "'s PDB";
        const list = checked.length === 1 ? "build " + checked[0] + "'s PDB"
            : checked.length <= 3 ? "the PDBs of builds " + checked.slice(0, -1).join(", ") + " and " + checked[checked.length - 1]
                : "the PDBs of " + checked.length + " builds from " + checked[0] + " to " + checked[checked.length - 1];
        return ", checked against " + list + (build === null ? "" : " (not this build's)");
    }
    function layoutFromType(spec, type) {
        if (!type)
            return null;
        const offsets = {};
        const sizes = {};
        for (const field of spec.fields) {
            const info = fieldOf(type, field);
            if (!info)
                return null; // A type without a field we need is a different layout: use the built-in one.
            offsets[field] = info.offset;
            sizes[field] = info.size;
        }
        return {
            typeName: spec.typeName,
            size: type.size,
            offsets,
            sizes,
            origin: "symbols",
            description: spec.typeName + ": from " + spec.module + "'s symbols",
            guessed: false,
        };
    }
    function isLayoutMissing(value) {
        return typeof value === "object" && value !== null && value.kind === "layoutMissing";
    }

    const WIN10_1709 = 16299;
    /** Windows Server 2022: the first build with the Windows 11 pool tracker sizes (0x50, big pages 0x20; its PDB). */
    const SERVER_2022$3 = 20348;
    const POOL_TRACKER_TABLE = {
        module: "nt",
        typeName: "_POOL_TRACKER_TABLE",
        fields: ["Key", "NonPagedAllocs", "NonPagedFrees", "NonPagedBytes", "PagedAllocs", "PagedFrees", "PagedBytes"],
        variants: [
            {
                label: "Windows 7 SP1 to 10 1703 x64",
                pointerSize: 8,
                maxBuild: WIN10_1709 - 1,
                size: 0x28,
                offsets: { Key: 0, NonPagedAllocs: 4, NonPagedFrees: 8, NonPagedBytes: 0x10, PagedAllocs: 0x18, PagedFrees: 0x1c, PagedBytes: 0x20 },
                sizes: { Key: 4, NonPagedAllocs: 4, NonPagedFrees: 4, NonPagedBytes: 8, PagedAllocs: 4, PagedFrees: 4, PagedBytes: 8 },
                source: "layouts.md §2.2",
                checkedAgainst: [7601, 9600, 14393],
            },
            {
                label: "Windows 7 SP1 to 10 1703 x86",
                pointerSize: 4,
                maxBuild: WIN10_1709 - 1,
                size: 0x1c,
                offsets: { Key: 0, NonPagedAllocs: 4, NonPagedFrees: 8, NonPagedBytes: 0xc, PagedAllocs: 0x10, PagedFrees: 0x14, PagedBytes: 0x18 },
                sizes: { Key: 4, NonPagedAllocs: 4, NonPagedFrees: 4, NonPagedBytes: 4, PagedAllocs: 4, PagedFrees: 4, PagedBytes: 4 },
                source: "layouts.md §2.2",
            },
            {
                label: "Windows 10 1709-22H2 x64",
                pointerSize: 8,
                minBuild: WIN10_1709,
                maxBuild: SERVER_2022$3 - 1,
                size: 0x38,
                offsets: { Key: 0, NonPagedBytes: 8, NonPagedAllocs: 0x10, NonPagedFrees: 0x18, PagedBytes: 0x20, PagedAllocs: 0x28, PagedFrees: 0x30 },
                sizes: { Key: 4, NonPagedAllocs: 8, NonPagedFrees: 8, NonPagedBytes: 8, PagedAllocs: 8, PagedFrees: 8, PagedBytes: 8 },
                source: "layouts.md §2.2",
                checkedAgainst: [17763, 18326, 18362, 19041],
            },
            {
                label: "Windows 10 1709 and later x86",
                pointerSize: 4,
                minBuild: WIN10_1709,
                size: 0x30,
                offsets: { Key: 0, NonPagedBytes: 4, NonPagedAllocs: 8, NonPagedFrees: 0x10, PagedBytes: 0x18, PagedAllocs: 0x20, PagedFrees: 0x28 },
                sizes: { Key: 4, NonPagedAllocs: 8, NonPagedFrees: 8, NonPagedBytes: 4, PagedAllocs: 8, PagedFrees: 8, PagedBytes: 4 },
                source: "layouts.md §2.2",
            },
            {
                label: "Windows Server 2022 and Windows 11 21H2-24H2 x64",
                pointerSize: 8,
                minBuild: SERVER_2022$3,
                size: 0x50,
                offsets: { Key: 0, NonPagedBytes: 8, NonPagedAllocs: 0x10, NonPagedFrees: 0x18, PagedBytes: 0x20, PagedAllocs: 0x28, PagedFrees: 0x30 },
                sizes: { Key: 4, NonPagedAllocs: 8, NonPagedFrees: 8, NonPagedBytes: 8, PagedAllocs: 8, PagedFrees: 8, PagedBytes: 8 },
                source: "layouts.md §2.2; Server 2022's PDB",
                checkedAgainst: [20348, 22000],
            },
        ],
    };
    const WIN10$1 = 10240;
    /**
     * nt!PoolBigPageTable entries. Source: research/layouts.md §2.3 (VR, VG, VG24). `Va` bit 0 set marks a free entry.
     * The pool type is the ULONG after Key: a plain PoolType before Windows 10, a bit field (Pattern:8, PoolType:12,
     * SlushSize:12) from Windows 10 on, so decoders shift it by `poolTypeShift(build)`; symbols give no bit positions.
     */
    const POOL_TRACKER_BIG_PAGES = {
        module: "nt",
        typeName: "_POOL_TRACKER_BIG_PAGES",
        fields: ["Va", "Key", "NumberOfBytes"],
        variants: [
            {
                label: "Windows 7 SP1 to 8.1 x64",
                pointerSize: 8,
                maxBuild: WIN10$1 - 1,
                size: 0x18,
                offsets: { Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 },
                sizes: { Va: 8, Key: 4, PoolType: 4, NumberOfBytes: 8 },
                source: "layouts.md §2.3",
                checkedAgainst: [7601, 9600],
            },
            {
                label: "Windows 10 1507-22H2 x64",
                pointerSize: 8,
                minBuild: WIN10$1,
                maxBuild: SERVER_2022$3 - 1,
                size: 0x18,
                offsets: { Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 },
                sizes: { Va: 8, Key: 4, PoolType: 4, NumberOfBytes: 8 },
                source: "layouts.md §2.3",
                checkedAgainst: [14393, 17763, 18326, 18362, 19041],
            },
            {
                label: "Windows Server 2022 and Windows 11 21H2-24H2 x64",
                pointerSize: 8,
                minBuild: SERVER_2022$3,
                size: 0x20,
                offsets: { Va: 0, Key: 8, PoolType: 0xc, NumberOfBytes: 0x10 },
                sizes: { Va: 8, Key: 4, PoolType: 4, NumberOfBytes: 8 },
                source: "layouts.md §2.3; Server 2022's PDB",
                checkedAgainst: [20348, 22000],
            },
            {
                label: "Windows 7 SP1 to 10 x86",
                pointerSize: 4,
                size: 0x10,
                offsets: { Va: 0, Key: 4, PoolType: 8, NumberOfBytes: 0xc },
                sizes: { Va: 4, Key: 4, PoolType: 4, NumberOfBytes: 4 },
                source: "layouts.md §2.3",
            },
        ],
    };
    /** Bits to shift the ULONG after Key to reach PoolType: 0 before Windows 10, 8 from it (layouts.md §2.3). */
    function bigPagePoolTypeShift(build) {
        return build !== null && build < WIN10$1 ? 0 : 8;
    }
    /**
     * Whether entries of this size pin the PoolType bits: 0x20-byte x64 entries exist only from Server 2022 on (bits 8-19);
     * 0x18-byte x64 and 0x10-byte x86 entries are both Windows 7/8.1's plain ULONG and Windows 10's bit field, so without
     * the build the shift is a guess (the PDBs of 7601 and 9600 against 14393-19041).
     */
    function bigPagePoolTypeShiftFollowsSize(size, pointerSize) {
        const same = POOL_TRACKER_BIG_PAGES.variants.filter((v) => v.pointerSize === pointerSize && v.size === size);
        const before = same.some((v) => (v.minBuild || 0) < WIN10$1);
        const after = same.some((v) => v.maxBuild === undefined || v.maxBuild >= WIN10$1);
        return !(before && after);
    }

    // Named caps on numbers that come from the target. Each says why it is the size it is.
    const limits = {
        /** A list longer than this is treated as corrupted: no heap or loader list in a sane process comes close. */
        maxListEntries: 1000000,
        /** Largest single host read. Over KDNET the debugger splits reads into 4,000-byte packets itself; larger reads
         *  only save host calls, and 1 MiB bounds the memory one call can pin. */
        maxReadBytes: 0x100000,
        /** Largest range one command reads as a whole (an image searched for a tag, a table): 256 MB. Larger is a
         *  corrupt size, not a module or a table. */
        maxImageBytes: 0x10000000,
        /** A tag table larger than this (entries) is corrupt: real PoolTrackTableSize values are 2^11..2^16. */
        maxPoolTrackEntries: 0x100000,
        /** Characters read from a target string before it is cut. */
        maxTargetString: 512,
        /** Characters of a tag description file read (a pooltag.txt): the debugger's own is under 1 MB, so a larger file
         *  is something else. */
        maxTagFileChars: 0x1000000,
        /** Lines of debugger command output parsed. */
        maxCommandLines: 200000,
        /** Allocator call sites of one tag kept per module: real drivers have dozens (70+ in one Microsoft driver); each
         *  takes ten bytes of code at least, so only a corrupt or crafted image comes near. */
        maxAllocationSitesPerModule: 65536,
    };
    /** Caps of the user-mode heap walkers (issue 20): past them a heap structure is taken as corrupt. */
    const heapWalkLimits = {
        /** Segments of one NT heap: a growable heap doubles each new segment's reserve, so even 64 is far beyond real use. */
        maxSegmentsPerHeap: 1024,
        /** Uncommitted ranges of one segment: each is at least a page, and a segment reserves at most a few hundred MB. */
        maxUncommittedRangesPerSegment: 0x10000,
        /** Bytes from FirstEntry to LastValidEntry of one segment: segments are reserved in tens of MB; 4 GB is corrupt. */
        maxSegmentBytes: 0x100000000,
        /** Virtual blocks of one heap: each is at least 512 KB (x64) of address space, so a million needs 512 GB. */
        maxVirtualBlocksPerHeap: 1000000,
        /** Bytes of a segment read beyond what its header says is committed: one page, for a count rounded down. */
        segmentCommitSlack: 0x1000,
        /** Bytes of a virtual block read as an LFH UserBlocks: the largest UserBlocks is below 1 MB (0xF0000 on x86). */
        maxUserBlocksBytes: 0x200000,
        /** Busy nodes of one full page heap: each holds at least two pages of address space, so 2^20 need 8 GB+ (x64). */
        maxPageHeapBlocks: 1000000,
        /** Parts named as not walked in one heap: a heap damaged everywhere is told in the first ones. */
        maxPartsNotWalkedPerHeap: 256,
    };
    const PAGE_SIZE = 0x1000;
    const WORK_LIMITS = [
        {
            name: "maxSearchBytesPerImage",
            commands: '!leaktag "Tag"',
            defaultValue: 0x4000000,
            ceiling: limits.maxImageBytes,
            reason: "bytes of one module searched for a tag; drivers are rarely above 64 MB (ntoskrnl is ~11 MB), and over KDNET 64 MB is ~8 s",
        },
        {
            name: "maxModules",
            commands: '!findimporter, !leaktag "Tag"',
            defaultValue: 4096,
            ceiling: 0x10000,
            reason: "modules examined; a real system loads a few hundred",
        },
        {
            name: "maxBlocksPerHeap",
            commands: "!virtblocks, !virtstacks",
            defaultValue: 200000,
            ceiling: 0x1000000,
            reason: "virtual blocks walked in one heap; each is at least 512 KB of address space (x64), so more is a corrupted list",
        },
        {
            name: "maxSymbolizedCallers",
            commands: "!unloadleaks",
            defaultValue: 512,
            ceiling: 0x10000,
            reason: "distinct caller addresses symbolized; each costs one `u <address> L1` round trip",
        },
        {
            name: "maxAllocations",
            commands: "!unloadleaks",
            defaultValue: 1000000,
            ceiling: 0x1000000,
            reason: "verifier-tracked allocations listed for one driver",
        },
        {
            name: "maxPoolBytesWalked",
            commands: '!poolallocs "Tag"',
            defaultValue: 0x10000000,
            ceiling: 0x1000000000,
            reason: "bytes of pool subsegments read looking for a tag's small blocks; 256 MB is ~32 s over KDNET, and the walk stops sooner once the tracker's count is found",
        },
        {
            name: "maxSymbolizedFrames",
            commands: "@$heapblocks, !heapleaks",
            defaultValue: 1024,
            ceiling: 0x10000,
            reason: "distinct stack frames and type pointers symbolized; each costs one `u <address> L1` round trip (the rest show module+0x..)",
        },
        {
            name: "maxHeapStackGroups",
            commands: "!heapleaks",
            defaultValue: 20,
            ceiling: 0x100000,
            reason: "allocation groups whose stacks are read and symbolized, largest first; the others carry their stack record's address",
        },
    ];
    const current = {};
    /** The value in force for this session (the default until !ltlimits raises it). */
    function workLimit(name) {
        const value = current[name];
        return value === undefined ? findWorkLimit(name).defaultValue : value;
    }
    function findWorkLimit(name) {
        for (const l of WORK_LIMITS)
            if (l.name === name)
                return l;
        return null;
    }
    /** Sets a limit for the session; the value must be a whole number from 1 to the limit's ceiling. */
    function setWorkLimit(name, value) {
        current[name] = value;
    }
    function resetWorkLimits() {
        for (const key of Object.keys(current))
            delete current[key];
    }
    /** The hint a command prints beside a limit it hit. */
    function raiseHint(name) {
        const value = Math.min(workLimit(name) * 4, findWorkLimit(name).ceiling);
        // A byte limit as hex, the way sizes are printed and the way !ltlimits shows it; a count in decimal.
        return "raise it with !ltlimits (\"" + name + "\", " + (/Bytes/.test(name) ? "0x" + value.toString(16) : value) + ")";
    }

    // Every message the user reads, in one place. Each says what was tried and what to do next.
    // Sections per command keep additions from colliding.
    function capitalFirst(text) {
        return text.charAt(0).toUpperCase() + text.slice(1);
    }
    const messages = {
        // --- toolkit-wide ---
        internalError: (command, detail) => "!" + command + " stopped: " + detail.replace(/[\x00-\x1f]/g, " ") +
            ". This is a bug in leaktools; please report it with the command you ran (see !leaktools).",
        noArguments: (usage) => "Usage: " + usage + " - this command takes no arguments.",
        leaktoolsNoSuchCommand: (given, names) => 'Usage: !leaktools or !leaktools "name" with one of ' + names.join(", ") + ' (!leaktools "leaktag"); got ' + given + ".",
        // --- results kept for the session (src/host/runner.ts, issue 24) ---
        resultKept: (why, refresh) => "the result kept from the earlier run (" + why + "); " + refresh + " reads the target again",
        buildUnreadable: (what) => "Could not read the Windows build: " + what + "; built-in layouts were chosen without it (guessed).",
        needsKernel: (command) => "!" + command + " needs a kernel target (a kernel dump or a kd/KDNET session); this is a user-mode session.",
        /** The way to a user-mode session differs: a dump cannot be attached to, a live machine's process can. */
        needsUserMode: (command, dump) => "!" + command + " needs a user-mode session (a process or its user-mode dump); this is a kernel " + (dump ? "dump" : "session") + ". " +
            (dump
                ? "Open a user-mode dump of the process instead (procdump -ma <pid>, or .dump /ma from a debugger attached to it)."
                : "Attach a user-mode debugger to the process (windbg -p <pid>) or take its dump (procdump -ma <pid>) and run it there."),
        symbolMissing: (symbol) => "The symbol " + symbol + " was not found. Load the kernel's symbols (.symfix; .reload /f nt) and try again.",
        layoutFallback: (description) => "Layout: " + description + ".",
        unreadable: (what, address) => "Could not read " + what + " at " + address + "; the rest is shown.",
        noModules: () => "The debugger reported no loaded modules. Run .reload and try again.",
        // --- ltlimits ---
        ltlimitsUsage: (problem, names) => 'Usage: !ltlimits, !ltlimits ("name", value) or !ltlimits "reset" (' + problem + "; limits: " + names.join(", ") + ").",
        ltlimitsBadValue: (name, given, ceiling) => "Usage: !ltlimits (\"" + name + "\", value) with a whole number from 1 to " + ceiling + "; got " + given + ".",
        ltlimitsSet: (name, before, after) => name + ": " + groupDigits(before) + " -> " + groupDigits(after) + ' for this session (!ltlimits "reset" restores the defaults).',
        ltlimitsReset: () => "Work limits reset to their defaults.",
        ltlimitsHint: () => 'A command that hits a limit says which, and the !ltlimits ("name", value) that raises it. Long work prints progress as it goes.',
        // --- leaktag / pooltags / leaks ---
        leaktagUsage: (given) => 'Usage: !leaktag ["Tag"] - a pool tag of 1-4 characters in quotes, ? and * as wildcards (!leaktag "Leak", !leaktag "Le*"); got ' +
            given + ".",
        tagUsageUnavailable: (detail) => "No pool tag usage: " + detail + ". If nt's symbols are missing, load them (.symfix; .reload /f nt); " +
            "if the memory is unreadable, a small or partial dump may not hold it (a kernel or complete dump does).",
        tagNotTracked: (tag) => "Tag '" + tag + "' has no entry in the pool tag tables (no allocation recorded, or pool tagging is off).",
        untaggedTag: (tag) => "Tag '" + tag + "' is what ExAllocatePool records: the allocations carry no tag of their own, so the drivers that " +
            "allocate them are those that import ExAllocatePool (below; !findimporter \"ExAllocatePool\" shows them in full).",
        untaggedOwnersHeader: (modules) => "Owners: " + (modules === 0 ? "no module imports" : modules === 1 ? "1 module imports" : modules + " modules import") +
            " ExAllocatePool (by name or by IAT value); images were not searched for the tag's bytes, which the kernel writes itself.",
        untaggedImportersUnknown: () => "Owners: nt!ExAllocatePool could not be resolved and no import names it, so its importers are unknown (.reload /f nt, then !findimporter \"ExAllocatePool\").",
        ownersHeader: (modules, bytes) => "Owners: searched " + plural(modules, "module") + ", " + bytes + " of image sections.",
        noOwners: (tag) => "No loaded module holds the bytes of '" + tag + "'. The allocator may build the tag at run time, or it was unloaded (lm shows unloaded modules).",
        notSearched: (count) => plural(count, "section range was", "section ranges were") + " not resident and NOT searched:",
        wildcardOwners: (count, largest) => groupDigits(count) + " tags match" + (largest ? "; the largest: " + largest : "") + ". !leaktag on one of them (in quotes, no wildcard) finds its owner.",
        leaksBaseline: (tags) => "Baseline recorded: " + tags + " tags. Run dx @$leaks() again after a while to see which tags grew.",
        leaksNeedLive: () => "This is a dump: growth needs a second snapshot, of a live target or of a later dump (Next: below). The largest tags now:",
        leaksReset: () => "Snapshots cleared. The next dx @$leaks() records a new baseline.",
        leaksNoClock: () => "The target's clock (KUSER_SHARED_DATA.SystemTime) is unreadable; rates are not shown.",
        leaksNoGrowth: (seconds) => "No tag grew in the last " + seconds + " seconds.",
        leaksUsage: (given) => 'Usage: dx @$leaks(), dx @$leaks("reset"), dx @$leaks("save", "C:\\\\cases\\\\before.json") or ' +
            'dx @$leaks("compare", "C:\\\\cases\\\\before.json"); got ' + given + ".",
        pooltagfileUsage: (given) => 'Usage: !pooltagfile "C:\\\\path\\\\tags.txt" - a text file of "Tag - binary - description" lines; got ' + given + ".",
        pooltagfileMissing: (fullPath) => "There is no file " + fullPath + "; check the path (backslashes doubled inside quotes).",
        pooltagfileUnreadable: (path, detail) => "Could not read " + path + ": " + detail.replace(/[\x00-\x1f]/g, " ").trim() + ".",
        pooltagfileTooLarge: (fullPath, maxChars) => fullPath + " is larger than " + groupDigits(maxChars) + " characters: not a pooltag.txt (the debugger's own is under 1 MB).",
        pooltagfileUndecodable: (fullPath, encoding) => "Could not read " + fullPath + ": its text is " + encoding + ", which leaktools does not read (it reads UTF-8, and UTF-16 " +
            "with a byte-order mark). Save it again as UTF-8 in an editor.",
        pooltagfileLoaded: (fullPath, count, encoding) => "Loaded " + plural(count, "tag description") + " from " + fullPath + (encoding === "UTF-8" ? "" : " (" + encoding + ")") +
            "; !leaktag and dx @$pooltags() use them for the rest of this session.",
        // --- findimporter ---
        findimporterUsage: (tried) => 'Usage: !findimporter "Function" | "module!Function" | "Pattern*" | <address> - got ' + tried +
            '; quote names (!findimporter "ExAllocatePool"), or pass an address (!findimporter 0xe0894d1f).',
        findimporterUnresolved: (query, tried) => "No loaded module imports " + query + " by name, and " + tried +
            " did not resolve to an address to search IAT values for; check the spelling (x nt!ExAllocate*) or load symbols (.reload /f nt).",
        findimporterNoMatch: (query, examined) => "No loaded module imports " + query + " (" + examined + " modules examined).",
        findimporterLooking: (what, examined, total) => "Importers of " + what + ": " + examined + " of " + total + " modules examined.",
        findimporterNamesUnreadable: (modules) => "Import names unreadable (paged out, INIT discarded, or malformed) in: " + modules + "; those were matched by IAT value only.",
        findimporterNotYetResolved: (count) => (count === 1 ? "1 delay-load slot is" : count + " delay-load slots are") +
            " not yet resolved: until the function's first call the slot holds the importer's own delay-load thunk, not a hook; a search by address cannot find such a slot.",
        findimporterNotExamined: () => "Not examined:",
        findimporterProblems: () => "Problems found in import tables (bounded and skipped):",
        findimporterTooManyModules: (skipped, limit) => skipped + " modules past the first " + limit + " were not examined (maxModules; " + raiseHint("maxModules") + ").",
        // --- segment heap walk (issue 20: src/heap/user-segment-heap.ts; the reasons a heap part was not walked) ---
        segmentHeapNoKeys: (why) => "the keys in ntdll!RtlpHpHeapGlobals are not available (" + why + ") and no page segment gave HeapKey; " +
            "load ntdll's symbols (.symfix; .reload /f ntdll.dll); a dump needs ntdll's data pages (a full dump, .dump /ma)",
        segmentHeapNoLfhKey: (count) => count + " LFH subsegment" + (count === 1 ? "" : "s") + " not walked: ntdll!RtlpHpHeapGlobals.LfhKey is not available " +
            "(load ntdll's symbols: .symfix; .reload /f ntdll.dll)",
        segmentHeapDerivedKey: () => "HeapKey was derived from a page segment's signature (ntdll!RtlpHpHeapGlobals is not available: .reload /f ntdll.dll)",
        // --- virtblocks ---
        virtblocksUsage: (command, given) => "!" + command + " takes an optional heap address (!" + command + " 0x29fb0000), not " + given + ". Run !heap -s for the heaps.",
        virtblocksNoPeb: () => "The process's PEB could not be found (neither the process's EnvironmentBlock nor $peb). Run .reload /f ntdll and try again.",
        virtblocksHeapNotInProcess: (heap) => "Heap " + heap + " is not in the PEB's ProcessHeaps list; run !heap -s for the heaps of this process.",
        /** One line for a heap argument that cannot be a heap of this process; `heaps` are the PEB's, as formatted. */
        virtblocksNotAHeap: (command, given, why, heaps, more) => given + " is not a heap of this process (" + why + "). " +
            (heaps.length === 0
                ? "The PEB lists no heaps"
                : "Its heaps: " + heaps.join(", ") + (more > 0 ? " and " + more + " more" : "")) +
            "; !" + command + " with no argument walks them all.",
        virtblocksLayoutMissing: (reason) => "No layout for the heap structures: " + reason + ". Load ntdll's symbols (.symfix; .reload /f ntdll) and try again.",
        virtblocksUstOff: (flags) => "Allocation stacks: not recorded (NtGlobalFlag " + flags + " has no +ust). To record them, run gflags /i app.exe +ust " +
            "(your executable's name), restart the process and reproduce the growth.",
        virtblocksHeapCommitNote: () => "Committed (blocks) is what the virtual blocks hold. Heap committed (segments) is the heap's own segments, the " +
            "Commit column of !heap -s, which leaves the virtual blocks out.",
        virtblocksSegmentNotWalked: () => "segment heap - not walked (no large-allocation layout for this build)",
        // --- heapblocks / heapleaks ---
        heapNeedsProcess: (command) => "!" + command + " walks the heaps of a user-mode process; this is a kernel session, where it walks none (not even " +
            "in the process .process selects). Open the process's dump (.dump /ma in a user-mode session) or attach to the " +
            "process (windbg -p <PID>), then run it again.",
        heapPartsNotWalkedNote: (parts) => "These figures leave out " + plural(parts, "heap part") + " that could not be walked (under \"Not walked\" below, each with its reason).",
        heapWow64NotWalked: (image, why) => image + " is a 32-bit program (WOW64) seen through its 64-bit view, and its 32-bit heaps were not walked: " + why +
            ". Only its 64-bit heaps (PEB.ProcessHeaps, ntdll's own) were walked. For the 32-bit ones: attach the 32-bit " +
            "WinDbg (x86) to the program, or take the dump with the 32-bit Task Manager (C:\\Windows\\SysWOW64\\taskmgr.exe), " +
            "and run !heapleaks there; in this session .effmach x86 (on a dump: .load wow64exts, then !sw) and !heap -s list them.",
        heapblocksUsage: (given) => "dx @$heapblocks takes an optional heap handle as a number (dx @$heapblocks(0x29fb0000)), not " + given + ". Run !heap -s for the heaps.",
        heapleaksUsage: (given) => '!heapleaks takes no argument, or one of: "reset", ("save", "C:\\\\cases\\\\before.json"), ("compare", "C:\\\\cases\\\\before.json"); not ' + given + ".",
        heapleaksPathMissing: (verb, given) => 'The "' + verb + '" operation needs a file path as its second argument, not ' + given + ': dx @$heapleaks("' + verb + '", "C:\\\\cases\\\\before.json").',
        heapleaksReset: (forgotten) => forgotten > 0 ? "Baseline forgotten. The next !heapleaks records a new one." : "There was no baseline. The next !heapleaks records one.",
        heapleaksOtherProcessBaseline: (then, now) => "The baseline was taken in " + then + "; this is " + now + ". A new baseline is recorded for this process.",
        heapFramesCapped: (count, limit, hint) => plural(count, "address was", "addresses were") + " shown as module+0x.. without a symbol: " + limit + " were symbolized (maxSymbolizedFrames; " + hint + ").",
        heapStackGroupsCapped: (shown, total, hint) => "Stacks were read for the first " + shown + " of " + groupDigits(total) + " groups (maxHeapStackGroups); the others carry their StackRecord (" + hint + ").",
        heapleaksNoClock: () => "The target's clock (KUSER_SHARED_DATA.SystemTime) is unreadable; rates are not shown.",
        heapleaksPathMangled: (what, verb, typed) => "The path holds " + what + ": inside dx quotes a backslash starts an escape. Double each backslash: dx @$heapleaks(\"" + verb + "\", \"" + typed + "\").",
        heapleaksPathInvalid: (path, verb) => "\"" + path + "\" is not a valid Windows file name (< > \" | ? * are not allowed); @$heapleaks(\"" + verb + "\") needs a file path.",
        heapleaksPathDriveRelative: (path, verb) => path + " is relative to the current folder of its drive (no backslash after the colon): most likely dx dropped single backslashes. Type them doubled: dx @$heapleaks(\"" + verb + "\", \"C:\\\\cases\\\\before.json\").",
        heapleaksSaveFailed: (path, detail) => "Could not write " + path + ": " + detail.replace(/[\s.]+$/, "") + ". Nothing was saved; check the folder exists and is writable.",
        heapleaksSaveRefused: (path, reason, suggestion) => "Not saved: " + path + " is there and " + reason.replace(/^it /, "it ") + "; leaktools replaces only its own snapshot files." +
            (suggestion ? " Save under another name: dx @$heapleaks(\"save\", \"" + suggestion + "\")." : " Choose another name."),
        heapleaksSavedWithout: (parts) => "Not in the file: the blocks of " + plural(parts, "part", "parts") + " of the heaps that could not be walked:",
        heapleaksFileMissing: (path) => "No file at " + path + ". Save one first on the earlier dump (dx @$heapleaks(\"save\", \"C:\\\\cases\\\\before.json\")), and double each backslash inside dx quotes.",
        heapleaksFileUnreadable: (path, detail) => "Could not read " + path + ": " + detail.replace(/[\s.]+$/, "") + ".",
        heapleaksFileProblem: (path, problem) => "Not compared: " + path + ": " + problem + ".",
        heapleaksOtherArchitecture: (path, then, now) => "Not compared: " + path + " is a snapshot of a " + then + "-bit process; this one is " + now + "-bit. Compare two snapshots of the same program.",
        heapleaksOtherProgram: (path, then, now) => "Not compared: " + path + " is a snapshot of " + then + "; this process is " + now + ". Heap groups of different programs do not match.",
        heapleaksFileLater: (then, now) => "Note: the file was taken at " + then + ", after this target's time " + now + ": growth below is from the later to the earlier state.",
        heapleaksOtherMachine: (what) => "Note: the file is from another machine or Windows (" + what + ").",
        heapleaksReboot: (what) => "Note: the machine rebooted between the file and this target (" + what + "): another run of the program.",
        heapleaksOtherProcess: (what) => "Note: another process of the same program (" + what + ").",
        heapleaksMatchedByFrames: (unmatched) => "Stack records and vtable addresses differ between processes, so groups are matched by their module-relative frames and types" +
            (unmatched > 0 ? "; " + plural(unmatched, "group of the file has", "groups of the file have") + " no frames and cannot be matched" : "") + ".",
        heapleaksUstChanged: (then, now) => "Note: +ust was " + (then ? "on" : "off") + " when the file was written and is " + (now ? "on" : "off") + " now: the groups are of different kinds and will not match.",
        // --- heap walk (issue 20: the process walk and the NT heap walker) ---
        heapWalkKernel: () => "The heaps of a process need a user-mode target (a process or a user-mode dump); this is a kernel session with no " +
            "user process to walk. Attach to the process, or open its dump.",
        heapWalkNotAHeap: (given, why, heaps) => given + " is not a heap (" + why + "). " +
            (heaps.length === 0
                ? "Run !heap -s for the heaps of this process, or call without an argument to walk them all."
                : "The process's heaps: " + heaps.slice(0, 8).join(", ") + (heaps.length > 8 ? " and " + (heaps.length - 8) + " more" : "") +
                    "; dx @$heapblocks() walks them all."),
        heapWalkNotInPeb: (heap) => "heap " + heap + " is not in the PEB's ProcessHeaps list; it was walked because its signature is a heap's",
        heapWalkNoLayout: (reason) => "no layout for the NT heap structures: " + reason + "; load ntdll's symbols (.symfix; .reload /f ntdll.dll)",
        heapWalkPageHeapHint: (heap) => "; !heap -p -h " + heap + " lists the page heap's blocks",
        // --- unloadleaks ---
        unloadleaksUsage: (got) => 'Usage: !unloadleaks on a 0xC4/0x62 bugcheck, or !unloadleaks "drv.sys" (a quoted driver file name); got ' + got + ".",
        unloadleaksBadName: (source, shown) => "Refused the driver name " + source + ' "' + shown + '": a driver name is a file name (letters, digits, _ . -), ' +
            "and this one would not be passed to a debugger command safely.",
        unloadleaksNoBugcheck: () => "No bugcheck on this target. On a live session name the driver to list its verifier-tracked pool: " +
            '!unloadleaks "drv.sys".',
        unloadleaksBugcheckUnavailable: (reason) => "The bugcheck could not be read (" + reason + '). Load the kernel symbols (.reload /f nt), or name the driver: !unloadleaks "drv.sys".',
        unloadleaksOtherBugcheck: (code, p1) => "This is bugcheck " + code + " (Arg1 " + p1 + "), not 0xC4/0x62 (a driver unloaded without freeing its pool). " +
            'Name a driver to read its verifier data anyway: !unloadleaks "drv.sys".',
        unloadleaksBugcheck: (source, name, count) => "Bugcheck 0xC4/0x62 (from " + source + "): " + name + " was unloaded with " + count + (count === "1" ? " pool allocation" : " pool allocations") + " not freed (Arg4).",
        unloadleaksNameUnreadable: (detail) => "The driver name (Arg2) could not be read: " + detail + ".",
        unloadleaksNameTruncated: (max) => "The driver name (Arg2) has no end within " + max + " characters; it is cut there.",
        unloadleaksNoVerifierData: (name) => "No verifier data for " + name + ": Arg3 is 0. Enable pool tracking for it (verifier /flags 0x8 /driver " + name + "), reboot, and reproduce.",
        unloadleaksVerifierData: (address) => "Verifier data: _VF_TARGET_VERIFIED_DRIVER_DATA at " + address + " (Arg3).",
        unloadleaksLayoutMissing: (typeName, reason) => "The verifier's structures cannot be read here: " + typeName + ": " + reason + ".",
        unloadleaksBuildUnknown: () => "The Windows build could not be read (nt!NtBuildNumber), and the verifier's layout differs between builds; " +
            "not guessing it.",
        unloadleaksDataUnreadable: (detail) => "The verifier's structures cannot be read: " + detail + ".",
        unloadleaksFallback: (name) => "Falling back to the text of !verifier 3 " + name + " (parsed; columns as the debugger prints them).",
        unloadleaksFallbackRefused: () => "No fallback to !verifier 3: the driver name is not a safe file name (see above).",
        unloadleaksCommandFailed: (command, detail) => command + " failed: " + detail.replace(/[\x00-\x1f]/g, " ") + ".",
        unloadleaksNotListed: (name) => "No verifier data for " + name + ": !verifier 3 does not list it. Is Driver Verifier on for it with pool tracking " +
            "(verifier /query)? Driver names are file names as lm shows them with .sys.",
        unloadleaksLiveAvl: () => "nt!ViTargetDriversAvl is not walked (leaktools has no built-in layout for _VF_AVL_TREE); using !verifier 3 instead.",
        unloadleaksOtherDriver: (bugcheckName, requested) => "The bugcheck names " + bugcheckName + ", not " + requested + "; listing " + requested + " from !verifier 3.",
        unloadleaksWalk: (pages, found) => "Walked " + plural(pages, "verifier tracking page") + ": " + plural(found, "outstanding allocation") + ".",
        unloadleaksCountersDiffer: (counted, bytes, allocations, totalBytes) => "The verifier's counters say " + plural(allocations, "allocation") + ", " +
            // Above 2^53 a number has lost its low digits: say it is absurd rather than print a rounded value.
            (totalBytes > Number.MAX_SAFE_INTEGER ? "more than 2^53 bytes (absurd)" : sizeText(totalBytes)) + "; the pages hold " + groupDigits(counted) +
            " in use, " + sizeText(bytes) + ". The list may be incomplete or the layout may not fit this build.",
        unloadleaksArg4Differs: (arg4, found) => "Arg4 says " + plural(arg4, "allocation was", "allocations were") + " not freed; " + groupDigits(found) + (found === 1 ? " is" : " are") + " listed.",
        unloadleaksWalkProblem: (what) => "Stopped early: " + what + "; the allocations before it are listed.",
        unloadleaksBugcheckUnreadable: (reason) => "The bugcheck could not be read (" + reason + "); listing the named driver instead.",
        unloadleaksNone: (name) => name + " has no outstanding verifier-tracked pool allocations.",
        unloadleaksSkippedRows: (n) => plural(n, "line", "lines") + " of the allocation table did not parse and " + (n === 1 ? "is" : "are") + " not listed.",
        unloadleaksSymbolCap: (limit, skipped) => plural(skipped, "caller address", "caller addresses") + " beyond the first " + limit + " distinct ones were not symbolized (one debugger command each; maxSymbolizedCallers, " + raiseHint("maxSymbolizedCallers") + ").",
        unloadleaksNoLines: () => "(no line information)",
        unloadleaksNoSymbol: () => "(no symbol)",
        unloadleaksGrouping: () => "Grouping shown: by call site and by caller function (symbol without offset). The verifier keeps one return " +
            "address per allocation and no stack, so callers of an allocation wrapper cannot be told apart here.",
        unloadleaksGroupingWrapperCallers: () => "Grouping shown: by tag, by call site and by caller function (symbol without offset); then the wrapper's " +
            "allocations by the call sites that pass their tag. The verifier keeps one return address per allocation and no " +
            "stack, so the wrapper's callers are inferred from the driver's code, not read from a record.",
        unloadleaksGroupingWrapperTags: () => "Grouping shown: by tag, by call site and by caller function (symbol without offset); then the wrapper's " +
            "allocations by tag only, because its callers could not be found (below). The verifier keeps one return address " +
            "per allocation and no stack.",
        unloadleaksWrapperNoSymbols: (site) => "The wrapper's callers cannot be found without symbols: " + site + " is not a function symbol with an offset, so " +
            "the wrapper's start is unknown. Load the driver's symbols (.reload /f) and run the command again.",
        unloadleaksWrapperNoModule: (name, start) => "The wrapper's callers could not be found: " + start + " (the start of " + name + ") is in no loaded module, so " +
            "there is no image to scan.",
        unloadleaksWrapperImageUnreadable: (name, file, reason) => "The wrapper's callers could not be found because the image of " + file + " is not readable (" + reason + "); " +
            name + "'s allocations are grouped by tag only.",
        unloadleaksWrapperFailed: (detail) => "The wrapper's callers could not be found (" + detail.replace(/[\x00-\x1f]/g, " ") + "); its allocations are grouped by tag only.",
        unloadleaksWrapperCallersHeader: (name, file) => "Through " + name + ", by the call sites that pass each tag (largest first). Callers found by scanning " + file +
            " for calls to " + name + "; an allocation is matched to a caller by its tag, not by a recorded stack:",
        unloadleaksWrapperTagNotFound: (name) => "no call to " + name + " found passing it (a call through a pointer, a tag computed at run time, or a caller in another image)",
        unloadleaksWrapperScan: (name, start, offset, sections, bytes, sites, calls, jumps) => "Scanned " + sections + ", " + sizeText(bytes) + ", for call and jmp rel32 to " + start + " (" + name + ": the caller " +
            "minus " + offset + "): " + plural(sites, "call site") + ", " + groupDigits(calls) + " call and " + groupDigits(jumps) + " jmp (tail call).",
        unloadleaksWrapperSitesCap: (kept, more) => plural(more, "call site") + " beyond the first " + kept + (more === 1 ? " was" : " were") + " not examined.",
        unloadleaksWrapperPartlyUnreadable: (bytes) => sizeText(bytes) + " of its executable sections are unreadable (paged out); calls there are not found.",
        unloadleaksWrapperNoTagSites: (count, name) => plural(count, "call site loads", "call sites load") + " no tag before calling " + name + " (the tag comes from a register or a variable); " +
            "they are not matched to any allocation.",
        unloadleaksWrapperUnmatched: (count, tags) => plural(count, "call site passes", "call sites pass") + " a tag with no outstanding allocation (" + tags + "); " + (count === 1 ? "it is" : "they are") + " not listed.",
        unloadleaksWrapperSitesNotSymbolized: (count, limit) => plural(count, "call site is", "call sites are") + " shown as module+offset: past the first " + limit + " distinct addresses symbolized " +
            "(one debugger command each; maxSymbolizedCallers, " + raiseHint("maxSymbolizedCallers") + ").",
        unloadleaksWrapper: (site, count, total, example) => site + " made " + count + " of " + total + " allocations: probably an allocation wrapper. Its callers are not " +
            "recorded; the tags it was given may separate them (below), and !verifier 0x80 <Address> (e.g. !verifier 0x80 " +
            example + ") shows the verifier's pool log, with stacks, for allocations still in it.",
        unloadleaksSymbolsNote: (callSites) => "Symbols and source lines: from u on each distinct Caller address (one debugger command each" +
            (callSites ? "), and on each listed call site of the wrapper (" + groupDigits(callSites) + ")." : ")."),
        // --- triage ---
        triageNoBugcheck: (why) => "No bugcheck: " + why + ". !crashtriage reads a kernel crash dump (MEMORY.DMP or a minidump), or a process stopped on an exception; open a dump with windbg -z.",
        triageUnavailable: (reason) => "The bugcheck code could not be read: " + reason + ", and .bugcheck gave nothing. Load the kernel's symbols (.symfix; .reload /f nt) and try again.",
        triageDecoderStopped: (detail) => "Decoding stopped: " + detail.replace(/[\x00-\x1f]/g, " ") + "; what was found before is shown.",
        triageNoDecoder: (name) => name + ": leaktools has no decoder for this case; the parameters below are the bugcheck's own. Run !analyze -v.",
        triageUnknownCode: (code) => "Bugcheck " + code + " is not in leaktools' table; the raw parameters are shown. Run !analyze -v for its meaning.",
        triageUnknownSubcode: (subcode, source) => "Subcode " + subcode + " is not in leaktools' table; see " + source + ".",
        triageNoLayout: (typeName, reason) => "No layout for " + typeName + ": " + reason + ".",
        triageUnreadable: (what) => "Unreadable: " + what + "; the verdict uses what was read.",
        triagePointsIntoArg2: (field, value, arg2) => field + " " + value + " points back into the EXCEPTION_POINTERS at " + arg2 + " (Arg2) itself: corrupt, not decoded",
        triageExceptionPointers: (arg2, record, context) => "Arg2 " + arg2 + " is EXCEPTION_POINTERS: ExceptionRecord " + record + ", ContextRecord " + context,
        triageException: (code, address, symbol, flags, count) => "Exception " + code + " at " + address + " " + (symbol || "(no symbol)") + ", flags " + flags.toString(16) + ", " + count + " parameters",
        triageExceptionRecord: (code, address, flags, count) => "Exception " + code + " at " + address + ", flags " + flags.toString(16) + ", " + count + " parameter" + (count === 1 ? "" : "s"),
        triageParameterCountCapped: (count) => "NumberParameters is " + count + ", above the 15 an EXCEPTION_RECORD holds: the record is corrupt; 15 were read.",
        triageMemoryFault: (access, address, ioStatus) => "In-page operation failed: " + access + " of " + address + (ioStatus ? ", I/O status " + ioStatus : ""),
        triageExceptionParameters: (list) => "Exception parameters: " + list,
        triageIoStatus: (status) => "I/O status: " + status,
        triageNotPagedIn: (address) => "Address that could not be paged in: " + address,
        triageAccess: (access, address) => "Access: " + access + " of " + address,
        triageFaultingInstruction: (address, symbol) => "Faulting instruction: " + address + (symbol ? " " + symbol : " (no symbol; .reload /f and try again)"),
        triageFaultType: (type) => type === 3 ? "Fault type 3: a session address touched from the wrong session (or none)" : "Fault type 4: the address is not canonical",
        triageUnnamedStatus: () => "an NTSTATUS leaktools does not name",
        triageContext: (ip, sp) => "Context: instruction pointer " + ip + ", stack pointer " + sp,
        triageThreadUnknown: (why) => "Could not tell which process the thread is attached to: !thread failed (" + why + ").",
        triageAttached: (image, address, memCompression) => "The thread is attached to " + image + " (" + address + ")" + (memCompression ? ": the memory-compression store's process" : ""),
        triageNotAttached: (owner) => "The thread is not attached to another process (owning process: " + owner + ")",
        triageStorageAdviceUnknown: () => "check the disk, its controller and the System event log",
        triageStoreInpage: (compressed, status, meaning, advice) => (compressed
            ? "in-page I/O error while reading a compressed page from the memory-compression store: the storage stack reported "
            : "in-page I/O error in the store manager: the storage stack reported ") +
            status + " (" + meaning + ") - " + advice + (compressed ? "; disabling memory compression avoids the store path" : ""),
        triageStoreOther: (code) => "the store manager caught exception " + code + "; follow the context record (.cxr) to the faulting code",
        triageStoreUnknownException: () => "the store manager caught an exception leaktools could not read; follow Arg2 by hand with the commands below",
        triageInpageLayout: (which) => "Parameter layout " + which + " of the 0x7A page applies",
        triageKernelInpage: (status, meaning, advice) => "a kernel page could not be read back in: the storage stack reported " + status + " (" + meaning + ") - " + advice,
        triagePageFault: (accessing, address, kind, driver, where) => "A page fault " + (driver ? "in " + driver + " at " + where : where ? "at " + where : "(instruction unknown)") + ", " + accessing + " " + address + " (" + kind + ").",
        triageMFlag: (code, base) => code + " is " + base + " with the _M flag (0x10000000): the same meaning and parameters as " + base + " (Microsoft's bug check reference)",
        triageUnloadedListMissing: (why) => "The unloaded-driver list could not be read (" + why + "); in a triage dump it is in its own section, which `lm` shows",
        triageNotInDump: (what, address, arg) => "The " + what + " at " + address + " (" + arg + ") could not be read: it is not in this dump; what the parameters say is kept",
        triageRegisters: (what, ip, sp) => capitalFirst(what) + ": rip " + ip + ", rsp " + sp,
        triageFaultingAt: (address, where) => "Faulting instruction " + address + ": " + where,
        triageAccessViolation: (access, address) => "Access violation: " + access + " of " + address,
        triageExceptionVerdict: (what, driver, where, fault, unloaded) => what + (driver ? " in " + driver + " at " + where : where ? " at " + where : "") + (fault ? ", " + fault : "") +
            (unloaded ? ": code ran after its driver unloaded (a callback or timer left registered)" : "") + ".",
        triageSecurityCheck: (meaning, where, driver, listEntry) => "Security check failure: " + meaning + (driver ? ", detected in " + driver + " at " + where : where ? ", at " + where : "") +
            (listEntry ? " - a list entry was overwritten or removed twice; the owner of the memory around it is the usual writer" : "") + ".",
        triageListEntry: () => "Type 3: a LIST_ENTRY whose Flink->Blink or Blink->Flink does not point back (a double remove, a freed entry, or an overrun into it)",
        // --- triage: the crashing thread's stack (issue 21) ---
        triageThreadStack: (thread, limit, base) => "The crashing thread " + thread + ": kernel stack " + limit + " to " + base + " (StackLimit to StackBase of its _KTHREAD)",
        triageThreadStackUnknown: (why) => "The crashing thread's stack bounds are not known: " + why + "; whether the address is on its stack is not said.",
        triageReferenced: (address, kind, irql) => "Referenced " + address + " (" + kind + ") at IRQL " + irql,
        triageIrqlVerdict: (accessing, address, kind, irql, driver, where, expool) => (expool ? "Pool corruption found at raised IRQL" : "An invalid memory reference at IRQL " + irql) +
            (driver ? " in " + driver + " at " + where : where ? " at " + where : "") + ", " + accessing + " " + address + " (" + kind + ")" +
            (expool ? ": the pool's own structures were damaged earlier, usually by a driver overrunning its block; special pool catches it" : "") + ".",
        triageHeapCorruption: (heap, address) => "Heap " + heap + " reported the corruption at " + address,
        triageHeapVerdict: (meaning, address, containing, before, owner) => "Pool corruption at " + address + (containing ? " in a block tagged '" + containing + "'" : "") + ": " + meaning +
            (before ? "; the block before it is tagged '" + before + "'" + (owner ? ", allocated by " + owner + ": the usual writer of an overrun" : "") : "") + ".",
        triagePoolBeforeSuffix: (before, owner) => "; the block before it is tagged '" + before + "'" + (owner ? ", allocated by " + owner : ""),
        triagePoolWalkProblem: (method, problem) => "Pool walk (" + method + "): " + problem,
        triagePoolChainBroken: (at) => "The pool header chain of the page breaks at " + at + ": that header is corrupt",
        triagePoolNeighbour: (role, header, tag, size, busy) => role + ": pool header " + header + ", tag '" + tag + "', " + sizeText(size) + (busy ? "" : ", free"),
        triageNoPoolBlock: (address, method) => "No readable pool block holds " + address + " (" + method + " walk): free space, or a header too damaged to read",
        triageTagOwner: (tag, driver, confidence, site, others) => "Tag '" + tag + "' is allocated by " + driver + site + " (found in its code, " + confidence + " confidence)" + (others.length ? "; also in " + others.join(", ") : ""),
        triageUserSource: () => "Exception reported by the debugger (.exr -1):",
        triageUserException: (code, address, where, flags, count) => "Exception " + code + " at " + address + " " + where + ", flags " + flags.toString(16) + ", " + count + " parameter" + (count === 1 ? "" : "s"),
        triageHeapLayout: (layout) => "Heap layout: " + layout,
        triageHeapWalkFailed: (why) => "The process heaps could not be walked: " + why,
        triageHeapPartNotWalked: (part, address, reason) => "Heap walk: " + part + " at " + address + " not walked (" + reason + ")",
        triageInFreedBlock: (size) => ", inside a FREED heap block of " + size + ": a use after free",
        triagePastBusyBlock: (size) => ", just past the end of a busy heap block of " + size + ": an overrun",
        triageTagNotSearched: (tag, count, first) => "Tag '" + tag + "': " + count + " image part" + (count === 1 ? "" : "s") + " could not be read and " + (count === 1 ? "was" : "were") + " not searched (" + first + ")",
        triageTagOwnerProblem: (driver, problem) => "  " + driver + ": " + problem,
        triageTagNoOwner: (tag, searched) => "Tag '" + tag + "': no driver's code among " + searched + " searched uses it as an allocation tag",
        triageSpecialPool: (meaning, address) => "Special pool caught a driver in the act: " + meaning + " (" + address + ").",
        triagePfnList: (meaning, driverBug) => "The page frame database is corrupt: " + meaning + (driverBug ? " - a driver bug; Driver Verifier catches it" : " - often failing RAM; test the memory") + ".",
        triageFaultyPage: (address, pfn) => "Hardware: the memory manager found a corrupted physical page (PFN " + pfn + ", mapped at " + address + "); the RAM is failing - test and replace it.",
        triageFaultyPageSecondSet: (arg1, pfn) => "Hardware: the memory manager found a corrupted physical page (PFN " + pfn + "); the RAM is failing - test and replace it. Arg3 and Arg4 are not zero, the parameter set Microsoft does not document, so Arg1 (" + arg1 + ") is not read as the page's address.",
        triageFaultyPageSecondSetFinding: (arg3, arg4) => "Arg3 " + arg3 + " and Arg4 " + arg4 + " are not zero: Microsoft documents only the set in which they are (its docs team: the set depends on whether Arg3 and Arg4 are zero); their meaning is not published",
        triageVerifierLeak: (count) => "a driver unloaded with " + (count === null ? "some" : String(count)) + " pool allocation" + (count === 1 ? "" : "s") +
            " Driver Verifier still tracked - a memory leak in that driver; !unloadleaks lists them",
        triageVerifier: (meaning) => "Driver Verifier stopped the system: " + meaning,
        triageVerifierUnknown: (subcode) => "Driver Verifier stopped the system with subcode " + subcode + ", which leaktools does not name; run !analyze -v",
        triagePoolHeader: (block, header, tag, blockSize) => "Pool header of " + block + " at " + header + ": tag '" + tag + "', BlockSize 0x" + blockSize.toString(16),
        triageDoubleFree: (tag) => "double free: a pool block" + (tag ? " tagged '" + tag + "'" : "") + " was freed twice - the driver that owns " +
            (tag ? "the tag" : "the block") + " frees it on two paths; enable special pool for it to catch the first free",
        triageWrongTag: (allocated, freed) => "The block was allocated with tag '" + allocated + "' and freed with tag '" + freed + "'",
        triageBadPoolCaller: (meaning) => "a driver misused the pool: " + meaning,
        triagePoolCorruption: (meaning, tag) => "pool corruption" + (meaning ? ": " + meaning : "") + (tag ? " (block tagged '" + tag + "')" : "") +
            " - the damage was done earlier, usually by the owner of the block before; enable special pool or Driver Verifier on suspects",
        triageMemoryManagement: (meaning) => "memory manager consistency check failed: " + meaning,
        // !poolused text fallback (issue 13): which layout was recognised, and rows that did not fit it.
        poolusedSource: (trackerReason, layout, glued) => "The tag tables could not be read (" + trackerReason + "); these figures are parsed from !poolused 2 output" +
            (layout ? ", layout " + layout : "") + (glued ? "; its line breaks were lost, so rows were cut out of one stream" : "") + ".",
        poolusedUnparsed: (n, example) => plural(n, "line") + " after the !poolused header did not fit its layout and " + (n === 1 ? "is" : "are") + " not counted, e.g. `" + example.trim().slice(0, 100) + "`.",
        // !unloadleaks on !verifier 3 text (issue 13).
        unloadleaksTextDriverState: (name, state) => "!verifier 3 lists " + name + " as " + state + ": its code may no longer be mapped, so callers the debugger cannot symbolize are named as !verifier printed them.",
        unloadleaksSymbolsFromText: (n) => plural(n, "allocation") + " named by the caller symbol !verifier 3 printed (the debugger had none for the address now).",
        // --- snapshot files, any kind (src/snapshot/; `command` is the command to type, with the path in it) ---
        snapshotSaveRefused: (path, reason, command) => "Not saved: " + path + " is already there and " + reason + ". A save replaces only an earlier leaktools snapshot, " +
            "so a dump or a notes file is never overwritten. " + (command ? "Save under another name: " + command + ", or move that file first." : "Choose another file name, or move that file first."),
        snapshotUndecodable: (path, encoding) => "Could not read " + path + ": its text is " + encoding + ", which leaktools does not read (it reads UTF-8, and UTF-16 " +
            "with a byte-order mark). Save it again as UTF-8 in an editor and compare with that.",
        snapshotOtherKind: (path, found, expected, reader) => path + " is a " + found + ", not a " + expected + (reader ? ": compare it with " + reader + "." : "; this leaktools does not read that kind (load a newer leaktools.js)."),
        // --- leaks: snapshot files (save / compare) ---
        leaksFileUsage: (verb, given) => 'Usage: dx @$leaks("' + verb + '", "C:\\\\cases\\\\before.json") - a file path in quotes, backslashes doubled; got ' + given + ".",
        leaksPathMangled: (what, verb, typed) => "The path contains " + what + ": inside quotes dx reads a backslash as the start of an escape (\\t is a tab, " +
            '\\n a new line), so single backslashes were lost. Double every backslash: dx @$leaks("' + verb + '", "' + typed + '").',
        leaksPathDriveRelative: (path, verb) => 'The path "' + path + '" has no backslash after the drive letter, so Windows reads it relative to the debugger\'s ' +
            "current folder; if you typed single backslashes, dx dropped them. Double every backslash: " +
            'dx @$leaks("' + verb + '", "C:\\\\cases\\\\before.json").',
        leaksPathInvalid: (path, verb) => 'The path "' + path + '" is not a valid Windows file name (it contains < > " | ? or *). Type a path such as ' +
            'dx @$leaks("' + verb + '", "C:\\\\cases\\\\before.json").',
        leaksSaveFailed: (path, detail) => "Could not write " + path + ": " + oneLine(detail) + " Check that the folder exists and that you may write there " +
            '(backslashes doubled inside quotes), e.g. dx @$leaks("save", "C:\\\\cases\\\\before.json").',
        leaksSaveReplaced: (path, format) => "Replaced the " + format + " that was at " + path + ".",
        leaksFileMissing: (path, typed) => "There is no file " + path + ". Check the path (backslashes doubled inside quotes), or write the snapshot first " +
            'on the earlier target: dx @$leaks("save", "' + typed + '").',
        leaksFileUnreadable: (path, detail) => "Could not read " + path + ": " + oneLine(detail) + " Close the program that holds it, or copy it and compare with the copy.",
        leaksFileEmpty: (path) => path + ' is empty, not a leaktools snapshot. Write one on the earlier target: dx @$leaks("save", "C:\\\\cases\\\\before.json").',
        leaksFileTooLarge: (path, maxChars) => path + " is larger than " + groupDigits(maxChars) + " characters: not a leaktools snapshot (one holds at most one line per pool tag).",
        leaksFileTruncated: (path, detail) => path + " ends before the snapshot does (truncated; " + flat(detail) + "). Copy the whole file again, or save a new snapshot.",
        leaksFileMalformed: (path, detail) => path + " is a damaged leaktools snapshot: " + flat(detail) + ". Save a new one with dx @$leaks(\"save\", ...), or fix that line.",
        leaksFileNotSnapshot: (path, detail) => path + " is not a leaktools snapshot (" + flat(detail) + '). Compare with a file written by dx @$leaks("save", "C:\\\\cases\\\\before.json").',
        leaksFileNewer: (path, version, supported) => path + " was written by a newer leaktools (snapshot format version " + version + "; this one reads version " + supported +
            "). Load the newer leaktools.js with .scriptload, or save the earlier target again with this one.",
        leaksWarnLater: (then, now) => "Warning: the snapshot was taken after this target's time (" + then + " then, " + now + " now): the file is the later " +
            "one, so growth here is shrinkage there, and rates are not shown. Compare the later target with the earlier snapshot.",
        leaksWarnOtherMachine: (what) => "Warning: the snapshot comes from another machine (" + what + "): the deltas compare two systems, not growth on one.",
        leaksWarnReboot: (what) => "Warning: the target rebooted between the snapshot and now (" + what + "): pool counters restart at boot, so a delta " +
            "is not growth over the whole interval.",
        leaksCompareNoGrowth: (tags) => "No tag grew since the snapshot (" + plural(tags, "tag") + " compared).",
        ownerHitsNotKept: (module, count, allocations, tag) => module + ": " + plural(count, "more hit", "more hits") +
            (allocations > 0
                ? " were not kept, " + allocations + " of them allocator calls (past maxAllocationSitesPerModule: the image looks corrupt)."
                : " (not allocator calls) were not kept; every allocator call is listed (dx @$leaktag(\"" + tag.trim() + "\").Owners)."),
        // --- poolallocs ---
        poolallocsUsage: (given) => 'Usage: !poolallocs "Tag" or !poolallocs ("Tag", "all") - a pool tag of 1-4 characters in quotes, ? and * as wildcards; "all" walks every heap instead of stopping once the tracker\'s count is found; got ' +
            given + ".",
        poolallocsSmallNotWalked: (why, tag) => "Small blocks (under a page) are not walked: " + why + '. !poolfind "' + tag + '" finds them by scanning every pool page (hours over KDNET on a machine with GBs of pool; minutes on a local dump).',
        poolallocsStopped: (outstanding, walked, total, left, leftBytes, tag) => "Stopped once the tracker's " + groupDigits(outstanding) + " outstanding were found: " + groupDigits(walked) + " of " + plural(total, "subsegment") + " walked, " +
            (left === 0 ? "none left." : groupDigits(left) + " left unread, " + leftBytes + "; !poolallocs (\"" + tag + "\", \"all\") walks them too."),
        poolallocsKept: (tag, all, keptWhile) => 'Follow-up queries (dx @$poolallocs("' + tag + '"' + (all ? ', "all"' : "") + ").Allocations...) answer from this walk " + keptWhile + '; add "refresh" to walk again.',
        poolallocsNotKept: (why) => "This walk is not kept (" + why + "): a follow-up query walks the pool again.",
        poolallocsNoCount: (why) => "No outstanding count to stop at (" + why + "): the walk did not stop early.",
        poolallocsBigAccountForAll: (tag) => "Small blocks not walked: the big allocations account for every outstanding allocation the tracker counts; !poolallocs (\"" + tag + "\", \"all\") walks them anyway.",
        poolallocsCommonPrefix: (bytes, text) => "Every block listed starts with the same 0x" + bytes.toString(16) + " bytes (" + text + "); the column \"Bytes at +0x" + bytes.toString(16) + "\" shows what follows them.",
        poolallocsEncodingNotBuild: (encoding, build) => "Page segment signatures decode as on builds " + encoding + (build === null ? " (the build is unknown)" : ", not as build " + build + "'s") + ": the LFH offsets are decoded that way too.",
        poolallocsAlsoBig: (count) => plural(count, "block") + " of the tag in VS subsegments " + (count === 1 ? "is an allocation" : "are allocations") + " the big page table lists above; each is listed once, as Big.",
        poolallocsStaleHeaders: (count, tag) => plural(count, "busy slot") + " with '" + tag + "' in a pool header whose size is not the slot's " + (count === 1 ? "was" : "were") + " left out (stale bytes, not a live block).",
        poolallocsCap: (notWalked, walked) => "Stopped at the cap on bytes walked, " + walked + ": " + plural(notWalked, "subsegment") + " not read; " + raiseHint("maxPoolBytesWalked") + ".",
        poolallocsDiffer: (found, outstanding, smallWalked) => "Found " + groupDigits(found) + " of the " + groupDigits(outstanding) + " allocations the tracker counts as outstanding. " +
            (found >= outstanding
                ? "The extra ones were allocated after the tracker was read (live target), or their tag's counters are kept apart (a different tag table or session pool)."
                : !smallWalked
                    ? "The rest are small blocks, which were not walked (the line above says why), or allocations in flight on a live target."
                    : "The rest may be in flight (allocated or freed while the walk ran, on a live target), in a heap or page that could not be walked (listed above), or on paged-out pages of paged pool."),
        // --- a file path that dx's escapes mangled (any command taking a path; `typedCommand` is the command to type) ---
        pathMangled: (what, typedCommand) => "The path contains " + what + ": inside quotes dx reads a backslash as the start of an escape (\\t is a tab, " +
            "\\n a new line), so single backslashes were lost. Double every backslash: " + typedCommand + ".",
    };
    /** Provider error texts end with their own period and may span lines; one sentence on one line. */
    function oneLine(detail) {
        const text = flat(detail);
        return /[.!?]$/.test(text) ? text : text + ".";
    }
    /** A provider's or parser's text inside a sentence of ours: one line, without its closing period. */
    function flat(detail) {
        return detail.replace(/[\x00-\x1f]+/g, " ").trim().replace(/\.$/, "");
    }

    // A target address of up to 64 bits, held as two unsigned 32-bit halves. Kernel addresses such as
    // fffff807`47f50000 lie above 2^53, where a JavaScript number loses bits, and BigInt is not available on the
    // debugger's legacy engine.
    const TWO_32$1 = 0x100000000;
    class Address {
        constructor(hi, lo) {
            this.hi = hi >>> 0;
            this.lo = lo >>> 0;
        }
        /** A non-negative integer below 2^53. */
        static fromNumber(value) {
            if (!(value >= 0) || value > Number.MAX_SAFE_INTEGER || Math.floor(value) !== value) {
                throw new RangeError("address out of range: " + value);
            }
            return new Address(Math.floor(value / TWO_32$1), value % TWO_32$1);
        }
        /**
         * Parses the forms a WinDbg user writes: `fffff807\`47f50000`, `0xfffff80747f50000`, `fffff80747f50000`,
         * `e0894d1f`. Returns null for anything else.
         */
        static parse(text) {
            let digits = text.trim().replace(/`/g, "");
            if (/^0x/i.test(digits))
                digits = digits.slice(2);
            if (!/^[0-9a-fA-F]{1,16}$/.test(digits))
                return null;
            const padded = ("0000000000000000" + digits).slice(-16);
            return new Address(parseInt(padded.slice(0, 8), 16), parseInt(padded.slice(8), 16));
        }
        get isNull() {
            return this.hi === 0 && this.lo === 0;
        }
        /** True when the value fits a JavaScript number exactly. */
        get isSafeNumber() {
            return this.hi < 0x200000;
        }
        toNumber() {
            if (!this.isSafeNumber)
                throw new RangeError("address above 2^53: " + this.toHex());
            return this.hi * TWO_32$1 + this.lo;
        }
        add(delta) {
            if (delta < 0)
                return this.subtract(-delta);
            const lo = this.lo + (delta % TWO_32$1);
            const hi = this.hi + Math.floor(delta / TWO_32$1) + (lo >= TWO_32$1 ? 1 : 0);
            return new Address(hi % TWO_32$1, lo % TWO_32$1);
        }
        subtract(delta) {
            if (delta < 0)
                return this.add(-delta);
            let lo = this.lo - (delta % TWO_32$1);
            let hi = this.hi - Math.floor(delta / TWO_32$1);
            if (lo < 0) {
                lo += TWO_32$1;
                hi -= 1;
            }
            if (hi < 0)
                hi += TWO_32$1;
            return new Address(hi, lo);
        }
        /** this - other as a number; null when negative or not exactly representable. */
        distanceFrom(other) {
            let hi = this.hi - other.hi;
            let lo = this.lo - other.lo;
            if (lo < 0) {
                lo += TWO_32$1;
                hi -= 1;
            }
            if (hi < 0 || hi >= 0x200000)
                return null;
            return hi * TWO_32$1 + lo;
        }
        compare(other) {
            if (this.hi !== other.hi)
                return this.hi < other.hi ? -1 : 1;
            if (this.lo !== other.lo)
                return this.lo < other.lo ? -1 : 1;
            return 0;
        }
        equals(other) {
            return this.hi === other.hi && this.lo === other.lo;
        }
        /** Low bits masked off: alignDown(0x1000) gives the page. */
        alignDown(alignment) {
            return new Address(this.hi, this.lo - (this.lo % alignment));
        }
        and(maskHi, maskLo) {
            return new Address(this.hi & maskHi, this.lo & maskLo);
        }
        /** True when base <= this < base + size. */
        isWithin(base, size) {
            const offset = this.distanceFrom(base);
            return offset !== null && offset < size;
        }
        /** Bare lowercase hex without leading zeros, the form `host.Int64.toString(16)` gives. */
        toHex() {
            if (this.hi === 0)
                return this.lo.toString(16);
            return this.hi.toString(16) + ("00000000" + this.lo.toString(16)).slice(-8);
        }
        /** A stable key for maps and visited sets. */
        get key() {
            return this.hi + ":" + this.lo;
        }
        /** As the debugger prints it: `fffff807\`47f50000` on 64-bit targets, `e0894d1f` on 32-bit ones. */
        format(pointerSize) {
            const lo = ("00000000" + this.lo.toString(16)).slice(-8);
            if (pointerSize === 4 && this.hi === 0)
                return lo;
            return ("00000000" + this.hi.toString(16)).slice(-8) + "`" + lo;
        }
        toString() {
            return "0x" + this.toHex();
        }
    }
    Address.ZERO = new Address(0, 0);

    // Arguments as dx hands them to a function alias: a JS string for a quoted literal, a number for values of 32 bits
    // or fewer, a host Int64 for 64-bit values, undefined when omitted, or a native object (a bare symbol name).
    function argKind(value) {
        if (value === undefined || value === null)
            return "missing";
        if (typeof value === "string")
            return "string";
        if (typeof value === "number")
            return "number";
        if (typeof value === "object" && typeof value.getLowPart === "function")
            return "int64";
        return "object";
    }
    /** An address from a number, an Int64 or a string the user quoted (`"fffff807\`47f50000"`); null otherwise. */
    function addressArg$1(value) {
        switch (argKind(value)) {
            case "number": {
                const n = value;
                return n >= 0 && Number.isInteger(n) && n <= Number.MAX_SAFE_INTEGER ? Address.fromNumber(n) : null;
            }
            case "int64": {
                const v = value;
                return new Address(v.getHighPart() >>> 0, v.getLowPart() >>> 0);
            }
            case "string":
                return Address.parse(value);
            default:
                return null;
        }
    }
    /** How an argument is described in a usage message, without echoing hostile or huge values verbatim. */
    function describeArg(value) {
        switch (argKind(value)) {
            case "missing":
                return "nothing";
            case "string": {
                const s = value;
                const shown = s.length > 40 ? s.slice(0, 40) + "..." : s;
                return 'the string "' + shown.replace(/[\x00-\x1f\x7f]/g, "?") + '"';
            }
            case "number":
                return "the number " + String(value);
            case "int64":
                return "the 64-bit value " + addressArg$1(value).toString();
            default:
                return "an object";
        }
    }

    // kd> !leaktools
    // kd> !leaktools "leaktag"
    // Lists the toolkit's commands with their usage and version, and what it knows of the current target; with a
    // command's name, that command's help (arguments, records, examples).
    function leaktoolsCommand(all) {
        return {
            name: "leaktools",
            usage: '!leaktools ["command"]',
            summary: "List the leaktools commands and what they will use on this target; with a name, that command's help",
            resultNoun: ["command", "commands"],
            // Reads the target but changes nothing: a report, so it does not drop the results other commands kept.
            quietRepeats: true,
            help: {
                arguments: [{ name: '"command"', text: 'optional: a command\'s name, quoted ("leaktag"); prints its arguments, records and examples' }],
                records: [{ name: "Commands", text: "one per command: Name, Usage, Summary" }],
                examples: [
                    { command: "!leaktools", text: "the commands, and the target's kind, build and layouts" },
                    { command: '!leaktools "virtblocks"', text: "how to call !virtblocks and what it returns" },
                ],
            },
            run(ctx, args) {
                const commands = all();
                const given = args.filter((a) => a !== undefined);
                if (given.length > 0) {
                    const name = typeof given[0] === "string" ? given[0].replace(/^[!@$]+/, "").toLowerCase() : null;
                    const command = name !== null && given.length === 1 ? commands.filter((c) => c.name === name)[0] : undefined;
                    if (!command) {
                        ctx.out.line(messages.leaktoolsNoSuchCommand(given.length === 1 ? describeArg(given[0]) : given.length + " arguments", commands.map((c) => c.name)));
                        return undefined;
                    }
                    ctx.out.lines(helpText(command));
                    return { Name: command.name, Usage: command.usage, Summary: command.summary, toString: () => command.usage };
                }
                ctx.out.line("leaktools " + VERSION + " - memory-leak and crash triage for WinDbg");
                ctx.out.lines(renderTable([
                    { header: "Command", value: (c) => c.usage },
                    { header: "What it does", value: (c) => c.summary },
                ], commands));
                ctx.out.line('Arguments are dx expressions: quote strings (!leaktag "Leak"), write numbers as 0x29fb0000; every command is also dx @$name(...).');
                ctx.out.line('!leaktools "name" shows one command\'s arguments, records and examples.');
                ctx.out.line("");
                for (const line of describeTarget$1(ctx.target))
                    ctx.out.line(line);
                const records = commands.map((c) => ({ Name: c.name, Usage: c.usage, Summary: c.summary, toString: () => c.usage }));
                return { Commands: records, toString: () => "leaktools " + VERSION + ", " + plural(records.length, "command") };
            },
        };
    }
    /** What `!leaktools "name"` prints: usage, summary, then the help's three parts. */
    function helpText(c) {
        const lines = [c.usage + "  (also dx @$" + c.name + "(...))", "  " + c.summary];
        const h = c.help;
        if (!h)
            return lines.concat(["  (no further help for this command)"]);
        const part = (title, rows) => {
            if (rows.length === 0)
                return;
            lines.push("", title);
            const width = Math.min(28, Math.max(...rows.map((r) => r.name.length)));
            for (const r of rows)
                lines.push("  " + (r.name.length >= width ? r.name : r.name + " ".repeat(width - r.name.length)) + "  " + r.text);
        };
        part("Arguments:", h.arguments);
        if (c.takesNoArguments)
            lines.push("", "Arguments: none");
        part("Result (dx @$" + c.name + "(...)):", h.records);
        part("Examples:", h.examples.map((e) => ({ name: e.command, text: e.text })));
        return lines;
    }
    function describeTarget$1(target) {
        const build = target.windowsBuild();
        const lines = [
            "Target: " +
                (target.isKernel ? "kernel" : "user-mode") +
                (!target.dumpKnown ? " session (dump or live: not known)" : target.isDump ? " dump" : " live session") +
                ", " + (target.pointerSize * 8) + "-bit" +
                ", Windows build " + (build === null ? "unknown" : String(build)) +
                ", " + plural(target.modules().length, "module") + " loaded",
        ];
        if (target.isKernel) {
            const layout = resolveLayout(POOL_TRACKER_TABLE, (m, t) => target.type(m, t), target.pointerSize, build);
            lines.push("Pool tag tracker layout: " + (isLayoutMissing(layout) ? layout.typeName + ": " + layout.reason : layout.description));
        }
        const used = builtInLayoutsThisSession();
        if (used.length) {
            lines.push("Built-in layouts used this session (the symbols lacked them):");
            for (const u of used)
                lines.push("  Layout: " + u.description + ".");
        }
        return lines;
    }

    // Little-endian readers over byte buffers. Every decoder in the toolkit works on bytes read in bulk.
    function u8(bytes, offset) {
        return bytes[offset];
    }
    function u16(bytes, offset) {
        return bytes[offset] | (bytes[offset + 1] << 8);
    }
    function u32(bytes, offset) {
        return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
    }
    function i32(bytes, offset) {
        return bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24);
    }
    function u64Address(bytes, offset) {
        return new Address(u32(bytes, offset + 4), u32(bytes, offset));
    }
    /** A 64-bit counter as a number; exact below 2^53, which byte and allocation counts never reach in practice. */
    function u64Number(bytes, offset) {
        return u32(bytes, offset + 4) * 0x100000000 + u32(bytes, offset);
    }
    function pointer(bytes, offset, pointerSize) {
        return pointerSize === 8 ? u64Address(bytes, offset) : new Address(0, u32(bytes, offset));
    }
    /** An unsigned field of 1, 2, 4 or 8 bytes as a number. */
    function unsigned(bytes, offset, size) {
        switch (size) {
            case 1:
                return u8(bytes, offset);
            case 2:
                return u16(bytes, offset);
            case 4:
                return u32(bytes, offset);
            default:
                return u64Number(bytes, offset);
        }
    }
    /** Index of `needle` in `haystack` at or after `from`, or -1. */
    function indexOfBytes(haystack, needle, from) {
        const first = needle[0];
        const last = haystack.length - needle.length;
        for (let i = from; i <= last; i++) {
            if (haystack[i] !== first)
                continue;
            let j = 1;
            while (j < needle.length && haystack[i + j] === needle[j])
                j++;
            if (j === needle.length)
                return i;
        }
        return -1;
    }
    /** ASCII text up to the first NUL, at most `max` bytes; other bytes become `?` so hostile names stay printable. */
    function asciiz(bytes, offset, max) {
        let text = "";
        for (let i = offset; i < bytes.length && i < offset + max; i++) {
            const c = bytes[i];
            if (c === 0)
                break;
            text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
        }
        return text;
    }

    const FILE_NAME$1 = /^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$/;
    function addressArg(address, pointerSize) {
        return address.format(pointerSize);
    }
    /** A module or driver file name such as `test.sys`; null for anything with quotes, `;`, spaces or control bytes. */
    function fileNameArg(name) {
        return FILE_NAME$1.test(name) ? name : null;
    }
    /** A small decimal number such as the `2` of `!poolused 2`. */
    function numberArg(value) {
        return Number.isInteger(value) && value >= 0 && value < 0x10000 ? String(value) : null;
    }
    const SYMBOL_PATTERN = /^[A-Za-z0-9_@$?*]{1,128}$/;
    /** `module!pattern` for the `x` command: a module name and a symbol name with `*`/`?` wildcards, nothing else. */
    function symbolPatternArg(module, pattern) {
        return FILE_NAME$1.test(module) && SYMBOL_PATTERN.test(pattern) ? (module + "!" + pattern) : null;
    }

    // PE images as they lie in memory (sections at their virtual addresses). Offsets: research/layouts.md §6 and the
    // PE/COFF specification. Pure functions over byte buffers: the caller reads the header page and hands it in.
    const IMAGE_SCN_CNT_CODE = 0x00000020;
    const IMAGE_SCN_MEM_DISCARDABLE = 0x02000000;
    const IMAGE_SCN_MEM_EXECUTE = 0x20000000;
    const DIRECTORY_IMPORT = 1;
    const DIRECTORY_IAT = 12;
    const DIRECTORY_DELAY_IMPORT = 13;
    /** Sections beyond this are a malformed header: the COFF format allows 96 in practice (the loader's limit). */
    const MAX_SECTIONS = 96;
    /**
     * Parses the DOS header, NT headers, data directories and section table from the image's first bytes (the header
     * page; pass at least SizeOfHeaders bytes when they are known, 0x1000 otherwise). `sectionTableRead` false: the
     * bytes end after the data directories on purpose, and a section table past them is not a problem.
     */
    function parseHeaders(bytes, imageSize, sectionTableRead = true) {
        if (bytes.length < 0x40 || u16(bytes, 0) !== 0x5a4d)
            return { kind: "peError", reason: "no MZ signature" };
        const nt = u32(bytes, 0x3c);
        if (nt < 0x40 || nt + 0x18 > bytes.length)
            return { kind: "peError", reason: "e_lfanew 0x" + nt.toString(16) + " points outside the header" };
        if (u32(bytes, nt) !== 0x00004550)
            return { kind: "peError", reason: "no PE signature at 0x" + nt.toString(16) };
        const machine = u16(bytes, nt + 4);
        const sectionCount = u16(bytes, nt + 6);
        const timeDateStamp = u32(bytes, nt + 8);
        const optionalSize = u16(bytes, nt + 0x14);
        const opt = nt + 0x18;
        if (opt + 2 > bytes.length)
            return { kind: "peError", reason: "optional header outside the header" };
        const magic = u16(bytes, opt);
        if (magic !== 0x10b && magic !== 0x20b)
            return { kind: "peError", reason: "optional header magic 0x" + magic.toString(16) };
        const is64 = magic === 0x20b;
        const problems = [];
        const countOffset = is64 ? 0x6c : 0x5c;
        const dirOffset = is64 ? 0x70 : 0x60;
        const fits = (offset, size) => offset + size <= optionalSize && opt + offset + size <= bytes.length;
        const sizeOfImage = fits(0x38, 4) ? u32(bytes, opt + 0x38) : imageSize;
        const sizeOfHeaders = fits(0x3c, 4) ? u32(bytes, opt + 0x3c) : 0;
        const directories = [];
        if (fits(countOffset, 4)) {
            let count = u32(bytes, opt + countOffset);
            if (count > 16) {
                problems.push("NumberOfRvaAndSizes is " + count + "; only 16 directories exist");
                count = 16;
            }
            for (let i = 0; i < count && fits(dirOffset + i * 8, 8); i++) {
                directories.push({ rva: u32(bytes, opt + dirOffset + i * 8), size: u32(bytes, opt + dirOffset + i * 8 + 4) });
            }
        }
        const sections = [];
        const table = opt + optionalSize;
        const limit = Math.min(sectionCount, MAX_SECTIONS);
        if (sectionCount > MAX_SECTIONS)
            problems.push("NumberOfSections is " + sectionCount + "; read the first " + MAX_SECTIONS);
        for (let i = 0; i < limit; i++) {
            const s = table + i * 0x28;
            // A caller that read only through the data directories gets the sections that happen to lie in its bytes.
            if (s + 0x28 > bytes.length && !sectionTableRead)
                break;
            if (s + 0x28 > bytes.length) {
                problems.push("section table runs past the header bytes after " + i + " sections");
                break;
            }
            const characteristics = u32(bytes, s + 0x24);
            const virtualSize = u32(bytes, s + 8);
            const rawSize = u32(bytes, s + 0x10);
            sections.push({
                name: asciiz(bytes, s, 8),
                virtualAddress: u32(bytes, s + 0xc),
                virtualSize: virtualSize || rawSize,
                characteristics,
                isCode: (characteristics & (IMAGE_SCN_MEM_EXECUTE | IMAGE_SCN_CNT_CODE)) !== 0,
                isDiscardable: (characteristics & IMAGE_SCN_MEM_DISCARDABLE) !== 0,
            });
        }
        const bound = Math.max(sizeOfImage, imageSize);
        for (const s of sections) {
            if (s.virtualAddress + s.virtualSize > bound)
                problems.push("section " + s.name + " runs past the image");
        }
        return { magic, is64, machine, sizeOfImage, sizeOfHeaders, timeDateStamp, directories, sections, problems };
    }
    function isPeError(value) {
        return typeof value === "object" && value !== null && value.kind === "peError";
    }
    function directory(headers, index) {
        const d = headers.directories[index];
        return d && d.rva !== 0 && d.size !== 0 ? d : null;
    }
    /**
     * A directory the loader walks to its terminator (imports, delay-load imports): present when its RVA is set, whatever
     * its Size. The Windows loader ignores the import directory's Size and stops at the all-zero descriptor, so images
     * with Size 0 load and call their imports (small hand-made and packed PEs, some linkers); the caller bounds the walk.
     */
    function walkedDirectory(headers, index) {
        const d = headers.directories[index];
        return d && d.rva !== 0 ? d : null;
    }

    // The import directory of an image in memory: descriptors, name thunks (INT), the IAT and hint/name entries.
    // Callers read the bytes in a few large reads (the directory, then each table whole) through an RvaReader.
    /** Caps: descriptor lists and thunk arrays without an end are bounded here and reported. */
    const MAX_IMPORT_DESCRIPTORS = 4096;
    const MAX_THUNKS_PER_DESCRIPTOR = 65536;
    const NAME_BYTES = 256;
    const FIRST_NAME_BYTES = 64;
    function parseImports(headers, read, imageSize) {
        const result = { entries: [], problems: [] };
        const dir = walkedDirectory(headers, DIRECTORY_IMPORT);
        if (!dir || pastImage(result.problems, "import directory", dir.rva, 0x14, imageSize))
            return result;
        const descriptors = readDescriptors(dir.rva, dir.size, read, imageSize, result.problems);
        for (const d of descriptors)
            addEntries(result, headers, read, imageSize, d, false);
        return result;
    }
    /** IMAGE_DELAYLOAD_DESCRIPTOR (layouts.md §6): 0x20 bytes, zero-terminated. */
    const DELAY_DESCRIPTOR_SIZE = 0x20;
    /**
     * The delay-load directory (layouts.md §6, IMAGE_DELAYLOAD_DESCRIPTOR). Its IAT slots point into the importer's own
     * stubs until the first call binds them. Descriptors with Attributes.RvaBased clear (pre-VC7 images) hold VAs; they
     * are reported and skipped rather than guessed at.
     */
    function parseDelayImports(headers, read, imageSize) {
        const result = { entries: [], problems: [] };
        const dir = walkedDirectory(headers, DIRECTORY_DELAY_IMPORT);
        if (!dir || pastImage(result.problems, "delay-load directory", dir.rva, DELAY_DESCRIPTOR_SIZE, imageSize))
            return result;
        const raw = readZeroTerminated(dir.rva, dir.size, DELAY_DESCRIPTOR_SIZE, read, imageSize, "delay-load descriptor", result.problems);
        for (const d of raw) {
            const attributes = u32(d.bytes, d.offset);
            const descriptor = { name: u32(d.bytes, d.offset + 4), firstThunk: u32(d.bytes, d.offset + 0xc), originalFirstThunk: u32(d.bytes, d.offset + 0x10) };
            if ((attributes & 1) === 0) {
                result.problems.push("delay-load descriptor " + d.index + " holds VAs (Attributes.RvaBased clear); skipped");
                continue;
            }
            if (descriptor.firstThunk === 0 || descriptor.firstThunk >= imageSize) {
                result.problems.push("delay-load descriptor " + d.index + " has an IAT outside the image");
                continue;
            }
            addEntries(result, headers, read, imageSize, descriptor, true);
        }
        return result;
    }
    /** True (and said in `problems`) when `size` bytes at `rva` do not fit in the image: a malformed header, not a page out. */
    function pastImage(problems, what, rva, size, imageSize) {
        if (rva >= 0 && rva + size <= imageSize)
            return false;
        problems.push(what + " at RVA 0x" + (rva >>> 0).toString(16) + " lies past the image (SizeOfImage 0x" + imageSize.toString(16) + ")");
        return true;
    }
    /** Both directories: ordinary imports first, then delay-load ones. */
    function parseAllImports(headers, read, imageSize) {
        const normal = parseImports(headers, read, imageSize);
        const delayed = parseDelayImports(headers, read, imageSize);
        return { entries: normal.entries.concat(delayed.entries), problems: normal.problems.concat(delayed.problems) };
    }
    function addEntries(result, headers, read, imageSize, d, delayLoad) {
        const thunkSize = headers.is64 ? 8 : 4;
        const kind = delayLoad ? "delay-load" : "import";
        const nameInside = !pastImage(result.problems, kind + " descriptor name", d.name, 1, imageSize);
        const dll = nameInside ? readName(read, d.name) : null;
        if (dll === null && nameInside)
            result.problems.push(kind + " descriptor name at RVA 0x" + d.name.toString(16) + " is unreadable");
        const iatBytes = readThunkArray(read, d.firstThunk, thunkSize, imageSize);
        const intInside = d.originalFirstThunk !== 0 && !pastImage(result.problems, kind + " name table of " + (dll || "?"), d.originalFirstThunk, thunkSize, imageSize);
        const intBytes = intInside ? readThunkArray(read, d.originalFirstThunk, thunkSize, imageSize) : null;
        const endless = (bytes, rva) => bytes !== null && (bytes.length / thunkSize >= MAX_THUNKS_PER_DESCRIPTOR || rva + bytes.length + thunkSize > imageSize);
        const intEndless = endless(intBytes, d.originalFirstThunk);
        const iatEndless = endless(iatBytes, d.firstThunk);
        if (intEndless)
            result.problems.push(kind + " name table of " + (dll || "?") + " at RVA 0x" + d.originalFirstThunk.toString(16) + " has no terminator within " + intBytes.length / thunkSize + " thunks" + (iatBytes && !iatEndless ? "; only the " + plural(iatBytes.length / thunkSize, "slot") + " of its import address table were read" : ""));
        if (iatEndless)
            result.problems.push("import address table of " + (dll || "?") + " at RVA 0x" + d.firstThunk.toString(16) + " has no terminator within " + iatBytes.length / thunkSize + " slots");
        // A name table without an end is bounded by the IAT it describes when that one ends.
        const count = intEndless && iatBytes && !iatEndless ? iatBytes.length / thunkSize : Math.max(iatBytes ? iatBytes.length / thunkSize : 0, intBytes ? intBytes.length / thunkSize : 0);
        if (!iatBytes && !intBytes) {
            result.problems.push("import tables of " + (dll || "?") + " are unreadable");
            return;
        }
        if (!iatBytes)
            result.problems.push("import address table of " + (dll || "?") + " at RVA 0x" + d.firstThunk.toString(16) + " is unreadable; slot values unknown");
        for (let i = 0; i < count; i++) {
            const slot = iatBytes && i * thunkSize < iatBytes.length ? thunkValue(iatBytes, i * thunkSize, thunkSize) : null;
            const entry = {
                dll: dll || "?",
                name: null,
                ordinal: null,
                nameUnreadable: false,
                iatRva: d.firstThunk + i * thunkSize,
                target: slot,
                delayLoad,
            };
            // Without an INT (bound images of old linkers) the unbound IAT is the name table; once bound, names are lost.
            const nameThunk = intBytes && i * thunkSize < intBytes.length ? thunkValue(intBytes, i * thunkSize, thunkSize) : null;
            decodeNameThunk(entry, nameThunk, headers.is64, read, imageSize);
            result.entries.push(entry);
        }
    }
    /** Fills name/ordinal from a name-table thunk (null when the INT is missing or unreadable). */
    function decodeNameThunk(entry, thunk, is64, read, imageSize) {
        if (!thunk) {
            entry.nameUnreadable = true;
            return;
        }
        const byOrdinal = is64 ? (thunk.hi & 0x80000000) !== 0 : (thunk.lo & 0x80000000) !== 0;
        if (byOrdinal) {
            entry.ordinal = thunk.lo & 0xffff;
            return;
        }
        const rva = thunk.lo;
        if (thunk.hi !== 0 || rva === 0 || rva + 2 >= imageSize) {
            entry.nameUnreadable = true;
            return;
        }
        const name = readName(read, rva + 2);
        if (name === null)
            entry.nameUnreadable = true;
        else
            entry.name = name;
    }
    function readDescriptors(rva, size, read, imageSize, problems) {
        const out = [];
        for (const d of readZeroTerminated(rva, size, 0x14, read, imageSize, "import descriptor", problems)) {
            const descriptor = { originalFirstThunk: u32(d.bytes, d.offset), name: u32(d.bytes, d.offset + 0xc), firstThunk: u32(d.bytes, d.offset + 0x10) };
            if (descriptor.firstThunk === 0 || descriptor.firstThunk >= imageSize) {
                problems.push("import descriptor " + d.index + " has an IAT outside the image");
            }
            else {
                out.push(descriptor);
            }
        }
        return out;
    }
    /**
     * Fixed-size records up to an all-zero one. One read of the declared directory; the declared size may be short
     * or absurd, so the terminator decides, and a list without one is bounded by MAX_IMPORT_DESCRIPTORS and the image.
     */
    function readZeroTerminated(rva, size, recordSize, read, imageSize, what, problems) {
        const out = [];
        const declared = Math.min(Math.max(size, recordSize), MAX_IMPORT_DESCRIPTORS * recordSize, imageSize - rva);
        let bytes = declared >= recordSize ? read(rva, declared - (declared % recordSize)) : null;
        if (!bytes) {
            problems.push(what + " list at RVA 0x" + rva.toString(16) + " is unreadable");
            return out;
        }
        let offset = 0;
        for (;;) {
            if (offset + recordSize > bytes.length) {
                if (out.length >= MAX_IMPORT_DESCRIPTORS || rva + offset + recordSize > imageSize) {
                    problems.push(what + " list has no terminator within " + out.length + " entries");
                    break;
                }
                const more = read(rva + offset, Math.min(recordSize * 64, imageSize - rva - offset) - (Math.min(recordSize * 64, imageSize - rva - offset) % recordSize));
                if (!more || more.length < recordSize) {
                    problems.push(what + " list is unreadable after " + out.length + " entries");
                    break;
                }
                const joined = new Uint8Array(offset + more.length);
                joined.set(bytes.subarray(0, offset), 0);
                joined.set(more, offset);
                bytes = joined;
            }
            let zero = true;
            for (let i = 0; i < recordSize; i++)
                if (bytes[offset + i] !== 0)
                    zero = false;
            if (zero)
                break;
            out.push({ bytes, offset, index: out.length });
            offset += recordSize;
        }
        return out;
    }
    /** The thunk array at `rva` up to its zero terminator, read in growing batches; null when unreadable. */
    function readThunkArray(read, rva, thunkSize, imageSize) {
        if (rva === 0 || rva >= imageSize)
            return null;
        let batch = 64;
        let collected = new Uint8Array(0);
        let cursor = rva;
        while (collected.length / thunkSize < MAX_THUNKS_PER_DESCRIPTOR) {
            const size = Math.min(batch * thunkSize, imageSize - cursor);
            if (size < thunkSize)
                break;
            // Bytes in hand that hold the terminator end the array without a read.
            const kept = read.keptFrom ? read.keptFrom(cursor, size) : null;
            const inHand = kept && kept.length >= thunkSize && hasZeroThunk(kept, thunkSize) ? kept.subarray(0, kept.length - (kept.length % thunkSize)) : null;
            const bytes = inHand || read(cursor, size - (size % thunkSize)) || readToFailure(read, cursor, thunkSize, size);
            if (!bytes || bytes.length === 0)
                return collected.length ? collected : null;
            for (let i = 0; i + thunkSize <= bytes.length; i += thunkSize) {
                let zero = true;
                for (let j = 0; j < thunkSize; j++)
                    if (bytes[i + j] !== 0)
                        zero = false;
                if (zero)
                    return join(collected, bytes.subarray(0, i));
            }
            collected = join(collected, bytes);
            cursor += bytes.length;
            batch *= 4;
        }
        return collected;
    }
    /**
     * After a batch read fails: the readable thunks up to the first unreadable one. Tries the rest of the page in one
     * read first (residency is per page), then single thunks, which stop at once on a truly unreadable page.
     */
    function readToFailure(read, rva, thunkSize, max) {
        const toPageEnd = Math.min(max, 0x1000 - (rva % 0x1000));
        const page = toPageEnd >= thunkSize ? read(rva, toPageEnd - (toPageEnd % thunkSize)) : null;
        if (page)
            return page;
        const parts = [];
        for (let at = rva; at + thunkSize <= rva + toPageEnd; at += thunkSize) {
            const one = read(at, thunkSize);
            if (!one)
                break;
            parts.push(one);
        }
        return parts.length ? parts.reduce((a, b) => join(a, b), new Uint8Array(0)) : null;
    }
    function hasZeroThunk(bytes, thunkSize) {
        for (let i = 0; i + thunkSize <= bytes.length; i += thunkSize) {
            let zero = true;
            for (let j = 0; j < thunkSize; j++)
                if (bytes[i + j] !== 0)
                    zero = false;
            if (zero)
                return true;
        }
        return false;
    }
    function thunkValue(bytes, offset, size) {
        return size === 8 ? new Address(u32(bytes, offset + 4), u32(bytes, offset)) : new Address(0, u32(bytes, offset));
    }
    /**
     * A NUL-terminated ASCII name. Reads to the end of its page first (residency is per page, and a name near a page's
     * end must not fail because the next page is paged out), then on into the next page only when no NUL was found.
     */
    function readName(read, rva) {
        // A name whose NUL lies in bytes already in hand costs no read; else a first look of 64 bytes (most names are short).
        const kept = read.keptFrom ? read.keptFrom(rva, NAME_BYTES) : null;
        if (kept && kept.indexOf(0) > 0)
            return asciiz(kept, 0, NAME_BYTES);
        const firstSize = Math.min(FIRST_NAME_BYTES, 0x1000 - (rva % 0x1000));
        const first = read(rva, firstSize);
        if (!first)
            return null;
        let bytes = first;
        if (first.indexOf(0) < 0) {
            const toPageEnd = Math.min(NAME_BYTES, 0x1000 - (rva % 0x1000));
            const more = toPageEnd > firstSize ? read(rva, toPageEnd) : null;
            if (more)
                bytes = more;
            if (bytes.indexOf(0) < 0 && bytes.length < NAME_BYTES) {
                const rest = read(rva + bytes.length, NAME_BYTES - bytes.length);
                if (rest)
                    bytes = join(bytes, rest);
            }
        }
        const name = asciiz(bytes, 0, NAME_BYTES);
        return name.length ? name : null;
    }
    function join(a, b) {
        if (a.length === 0)
            return b.slice();
        const out = new Uint8Array(a.length + b.length);
        out.set(a, 0);
        out.set(b, a.length);
        return out;
    }

    /** Ranges closer than this are read as one: a KDNET round trip costs more than a few hundred unneeded bytes. */
    const COALESCE_GAP = 0x100;
    function imageReader(target, base, imageSize, what) {
        // Non-overlapping, non-adjacent, sorted by start: adjacent ranges are merged on insert.
        let kept = [];
        const badPages = new Set();
        const keep = (start, bytes) => {
            let lo = start;
            let hi = start + bytes.length;
            const touching = kept.filter((k) => k.start <= hi && k.start + k.bytes.length >= lo);
            if (touching.length === 0) {
                kept.push({ start, bytes });
            }
            else {
                for (const k of touching) {
                    lo = Math.min(lo, k.start);
                    hi = Math.max(hi, k.start + k.bytes.length);
                }
                const merged = new Uint8Array(hi - lo);
                for (const k of touching)
                    merged.set(k.bytes, k.start - lo);
                merged.set(bytes, start - lo);
                kept = kept.filter((k) => touching.indexOf(k) < 0);
                kept.push({ start: lo, bytes: merged });
            }
            kept.sort((a, b) => a.start - b.start);
        };
        /** The kept bytes from `rva` on (at most `max`), or null when `rva` itself is not kept. */
        const keptFrom = (rva, max) => {
            for (const k of kept) {
                if (rva >= k.start && rva < k.start + k.bytes.length)
                    return k.bytes.subarray(rva - k.start, Math.min(k.bytes.length, rva - k.start + max));
            }
            return null;
        };
        const fetch = (start, end) => {
            start = Math.max(0, start);
            end = Math.min(end, imageSize);
            if (end <= start)
                return;
            const firstPage = Math.floor(start / PAGE_SIZE);
            const lastPage = Math.floor((end - 1) / PAGE_SIZE);
            for (let p = firstPage; p <= lastPage; p++) {
                if (badPages.has(p)) {
                    // Read around a page known to be unreadable.
                    if (p > firstPage)
                        fetch(start, p * PAGE_SIZE);
                    if (p < lastPage)
                        fetch((p + 1) * PAGE_SIZE, end);
                    return;
                }
            }
            // One read when the range is resident; around a hole, TargetMemory halves the range (a failed read still costs
            // the bytes before its hole, so re-reading every page of the range would pay them twice and two packets a page).
            const read = target.memory.readPartial(base.add(start), end - start);
            for (const piece of read.pieces)
                keep(piece.start.distanceFrom(base) || 0, piece.bytes);
            for (const hole of read.unreadable) {
                const from = hole.start.distanceFrom(base) || 0;
                for (let p = Math.floor(from / PAGE_SIZE); p * PAGE_SIZE < from + hole.size; p++)
                    badPages.add(p);
            }
        };
        /** [start, end) minus the kept bytes at its start: the part a read must still fetch. */
        const missing = (start, end) => {
            const have = keptFrom(start, end - start);
            const from = have ? start + have.length : start;
            return from < end ? [from, end] : null;
        };
        const inImage = (rva, size) => size > 0 && rva >= 0 && rva + size <= imageSize;
        const read = (rva, size) => {
            if (!inImage(rva, size))
                return null;
            const gap = missing(rva, rva + size);
            if (gap)
                fetch(gap[0], gap[1]);
            const have = keptFrom(rva, size);
            return have && have.length === size ? have : null;
        };
        read.keptFrom = keptFrom;
        const prefetch = (ranges) => {
            const todo = [];
            for (const [s, e] of ranges) {
                const gap = missing(Math.max(0, s), Math.min(e, imageSize));
                if (gap)
                    todo.push(gap);
            }
            todo.sort((a, b) => a[0] - b[0]);
            const hulls = [];
            for (const r of todo) {
                const last = hulls[hulls.length - 1];
                if (last && r[0] <= last[1] + COALESCE_GAP)
                    last[1] = Math.max(last[1], r[1]);
                else
                    hulls.push([r[0], r[1]]);
            }
            for (const [s, e] of hulls)
                fetch(s, e);
        };
        const dry = (misses) => {
            const r = (rva, size) => {
                if (!inImage(rva, size))
                    return null;
                const have = keptFrom(rva, size);
                if (have && have.length === size)
                    return have;
                const page = Math.floor(rva / PAGE_SIZE);
                if (!badPages.has(page))
                    misses.push([rva, rva + size]);
                return null;
            };
            r.keptFrom = keptFrom;
            return r;
        };
        return {
            read,
            prefetch,
            dry,
            unreadablePages: () => Array.from(badPages).sort((a, b) => a - b).map((p) => p * PAGE_SIZE),
        };
    }

    // Which loaded modules import a function: by name (the import's module and function name) and by value (an IAT slot
    // holding the function's address, which still finds the importer when its name tables are paged out or discarded).
    // Seed 003: tag `None` is ExAllocatePool; the author searched every driver for nt!ExAllocatePool's address.
    /** Distinct function names a wildcard may resolve to addresses (one symbol lookup each). */
    const MAX_RESOLVED_NAMES = 256;
    /** Problems kept per module; the rest are counted. */
    const MAX_PROBLEMS_PER_MODULE = 8;
    /**
     * The query from a command argument: a string (`"ExAllocatePool"`, `"nt!ExAllocatePool*"`), a number or Int64
     * address, or the object dx hands over for a bare symbol. Assumption (test/emulator/session.ts symbolObject, the
     * provider's behaviour for a resolved function symbol): that object has `.address` (an Int64 or number) and a
     * toString of the form `module!name (0x...)`; the address is used, and the name when the string has that form.
     */
    function parseImporterQuery(arg) {
        const kind = argKind(arg);
        if (kind === "string")
            return parseText(arg.trim(), describeArg(arg));
        if (kind === "number" || kind === "int64") {
            const address = addressArg$1(arg);
            if (!address || address.isNull)
                return { kind: "badQuery", tried: describeArg(arg) + " (not an address)" };
            return { text: address.toString(), module: null, name: null, pattern: null, isWildcard: false, address };
        }
        if (kind === "object") {
            const object = arg;
            const address = object.address !== undefined ? addressArg$1(object.address) : null;
            let text = "";
            try {
                text = String(object.toString ? object.toString() : "");
            }
            catch (e) {
                text = "";
            }
            const m = /^\s*([^!\s(]+)!([^\s(]+)/.exec(text);
            if (!address || address.isNull)
                return { kind: "badQuery", tried: "a symbol object without an address" + (m ? " (" + m[1] + "!" + m[2] + ")" : "") };
            if (!m)
                return { text: address.toString(), module: null, name: null, pattern: null, isWildcard: false, address };
            return { text: m[1] + "!" + m[2], module: m[1], name: m[2], pattern: exactPattern(m[2]), isWildcard: false, address };
        }
        return { kind: "badQuery", tried: describeArg(arg) };
    }
    function parseText(text, described) {
        if (!text)
            return { kind: "badQuery", tried: described };
        const bang = text.indexOf("!");
        const module = bang >= 0 ? text.slice(0, bang) : null;
        const name = bang >= 0 ? text.slice(bang + 1) : text;
        if (!name || (module !== null && !/^[\w.\-{}]+$/.test(module)) || !/^[\w@?*$.:<>~\-]+$/.test(name)) {
            const asAddress = module === null ? Address.parse(text) : null;
            if (asAddress && !asAddress.isNull)
                return { text, module: null, name: null, pattern: null, isWildcard: false, address: asAddress };
            return { kind: "badQuery", tried: described + " (not a function name)" };
        }
        // A quoted hex number (`"0xe0894d1f"`, `"fffff807\`22a41030"`) is an address, not a name.
        if (module === null && /^(0x[0-9a-f]+|[0-9a-f]+`[0-9a-f]+)$/i.test(name)) {
            const asAddress = Address.parse(name);
            if (asAddress && !asAddress.isNull)
                return { text, module: null, name: null, pattern: null, isWildcard: false, address: asAddress };
        }
        const isWildcard = /[*?]/.test(name);
        return { text, module, name, pattern: isWildcard ? wildcardPattern(name) : exactPattern(name), isWildcard, address: null };
    }
    function escapeRegExp(text) {
        return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    function exactPattern(name) {
        return new RegExp("^" + escapeRegExp(name).replace(/[*?]/g, "\\$&") + "$");
    }
    function wildcardPattern(name) {
        return new RegExp("^" + escapeRegExp(name).replace(/\*/g, ".*").replace(/\?/g, ".") + "$");
    }
    /** The DLL name an import names, without its extension, in lower case: `ntoskrnl.exe` -> `ntoskrnl`. */
    function dllStem(dll) {
        return dll.toLowerCase().replace(/\.(dll|exe|sys|drv)$/, "");
    }
    /** The kernel's file names (ntoskrnl, ntkrnlpa, ntkrnlmp, ntkrpamp, ntkrla57); the debugger calls the kernel module `nt`. */
    function isKernelImage(stem) {
        return /^nt(oskrnl|krnl\w*|krpamp|krla57)$/.test(stem);
    }
    /** The loaded module an import's DLL name refers to (case-insensitive), or null when it is not loaded. */
    function exportingModule(target, dll) {
        const stem = dllStem(dll);
        const modules = target.modules();
        for (const m of modules)
            if (dllStem(m.fileName) === stem || m.name.toLowerCase() === stem)
                return m;
        // The kernel by its image name, never by its place in the list (which can start with user-mode DLLs).
        if (target.isKernel && isKernelImage(stem))
            return target.kernelModule();
        return null;
    }
    /** The module name for a symbol lookup: `nt` for the kernel, else the loaded module's name, else the DLL stem. */
    function symbolModuleName(target, dll) {
        const m = exportingModule(target, dll);
        if (target.isKernel && isKernelImage(dllStem(dll)))
            return "nt";
        return m ? m.name : dllStem(dll);
    }
    /**
     * Finds the importers of a function in every loaded module. `query` is a parsed query or the text a user would
     * quote (`"ExAllocatePool*"`); a text that names no function comes back as a BadQuery.
     */
    /** Modules examined at most: workLimit "maxModules". `onModule` is told how many were examined, for progress. */
    function findImporters(target, query, onModule) {
        const q = typeof query === "string" ? parseImporterQuery(query) : query;
        if ("kind" in q)
            return q;
        const all = target.modules();
        const modules = all.slice(0, workLimit("maxModules"));
        const result = {
            query: q,
            functions: [],
            matches: [],
            examined: 0,
            notExamined: [],
            problems: [],
            namesUnreadable: [],
            skippedModules: all.length - modules.length,
        };
        const parsed = [];
        for (let i = 0; i < modules.length; i++) {
            const module = modules[i];
            if (onModule)
                onModule(i, modules.length);
            try {
                const p = examine(target, module, result);
                if (p)
                    parsed.push(p);
            }
            catch (e) {
                result.notExamined.push({ Module: module.name, Base: module.base, Reason: "stopped: " + String(e && e.message ? e.message : e) });
            }
        }
        result.examined = parsed.length;
        result.functions = resolveFunctions(target, q, parsed);
        match(target, q, parsed, result);
        return result;
    }
    /** Planning passes before the parse that may read: each pass reads what the previous one found missing. */
    const PLAN_PASSES = 3;
    /** Bytes per hint/name entry assumed when planning the first read (2-byte hint, a ~20-character name, NUL). */
    const NAME_ENTRY_GUESS = 24;
    /** Bytes per missing name or thunk batch asked for in a planning pass; what is still missing is asked next pass. */
    const PLAN_MISS_BYTES = 0x100;
    function examine(target, module, result) {
        const image = imageReader(target, module.base, module.size, module.name + " image");
        const headerBytes = readHeaderBytes(image.read, module.size);
        if (!headerBytes) {
            result.notExamined.push({ Module: module.name, Base: module.base, Reason: "PE header page at " + target.formatAddress(module.base) + " is unreadable" });
            return null;
        }
        const headers = parseHeaders(headerBytes, module.size, false);
        if (isPeError(headers)) {
            result.notExamined.push({ Module: module.name, Base: module.base, Reason: "malformed PE header: " + headers.reason });
            return null;
        }
        planReads(image, headers, module.size);
        const table = parseAllImports(headers, image.read, module.size);
        const problems = headers.problems.concat(table.problems);
        const named = table.entries.filter((e) => !e.nameUnreadable);
        const covered = new Set();
        for (const e of table.entries)
            covered.add(e.iatRva);
        const orphanSlots = [];
        // Names gone (INIT discarded, pages out): the IAT directory still lists the bound slots, in .rdata.
        if (table.entries.length === 0 || named.length < table.entries.length || table.problems.length) {
            const iat = directory(headers, DIRECTORY_IAT);
            if (iat) {
                const size = Math.min(iat.size, module.size - iat.rva);
                const bytes = size > 0 ? image.read(iat.rva, size) : null;
                if (!bytes)
                    problems.push("import address table at RVA 0x" + iat.rva.toString(16) + " is unreadable");
                else {
                    for (let at = 0; at + target.pointerSize <= bytes.length; at += target.pointerSize) {
                        const value = pointer(bytes, at, target.pointerSize);
                        if (!value.isNull && !covered.has(iat.rva + at))
                            orphanSlots.push({ rva: iat.rva + at, value });
                    }
                }
            }
            if (table.entries.length !== named.length || (table.entries.length === 0 && orphanSlots.length))
                result.namesUnreadable.push(module.name);
        }
        // Unreadable tables of a module listed under namesUnreadable are said once there; the rest once each.
        const namesGone = result.namesUnreadable[result.namesUnreadable.length - 1] === module.name;
        const distinct = [];
        for (const p of problems)
            if (distinct.indexOf(p) < 0 && !(namesGone && / (is|are) unreadable/.test(p)))
                distinct.push(p);
        for (let i = 0; i < distinct.length && i < MAX_PROBLEMS_PER_MODULE; i++)
            result.problems.push({ Module: module.name, Problem: distinct[i] });
        if (distinct.length > MAX_PROBLEMS_PER_MODULE) {
            result.problems.push({ Module: module.name, Problem: (distinct.length - MAX_PROBLEMS_PER_MODULE) + " more problems not shown" });
        }
        return { module, headers, entries: table.entries, orphanSlots };
    }
    /**
     * The headers through the data directories: the first 0x200 bytes hold them in almost every image (one packet);
     * the rest up to the directories' end when e_lfanew lies further. The section table is not read: the import tables
     * are found through the directories alone.
     */
    function readHeaderBytes(read, imageSize) {
        const small = read(0, Math.min(0x200, imageSize));
        if (!small || small.length < 0x40)
            return small;
        const nt = u32(small, 0x3c);
        if (nt + 0x18 > small.length)
            return nt + 0x18 <= 0x1000 ? read(0, Math.min(0x1000, imageSize)) || small : small;
        const end = Math.min(nt + 0x18 + u16(small, nt + 0x14), 0x1000, imageSize);
        return end > small.length ? read(0, end) || small : small;
    }
    /**
     * Reads what parsing the import tables will need in a few joined reads: the IAT directory, the import descriptors
     * with a guess at the name tables and hint/name entries that follow them (as linkers lay them out), the delay-load
     * descriptors; then dry parses, each reading together what the previous one found missing. The parse that follows
     * reads anything still missing itself.
     */
    function planReads(image, headers, imageSize) {
        const ranges = [];
        const iat = directory(headers, DIRECTORY_IAT);
        // Import and delay-load directories are walked to their null descriptor whatever their Size (the loader does so);
        // the IAT directory is a plain range and needs its Size.
        const imports = walkedDirectory(headers, DIRECTORY_IMPORT);
        const delayed = walkedDirectory(headers, DIRECTORY_DELAY_IMPORT);
        const pointer = headers.is64 ? 8 : 4;
        if (iat)
            ranges.push([iat.rva, iat.rva + iat.size]);
        if (imports) {
            const end = imports.rva + Math.max(imports.size, 0x14);
            // The INT mirrors the IAT; then a hint/name entry per slot. The guess stops at the page's end: a discarded or
            // paged-out neighbour must not fail the read of what is resident (what lies past it is read in a later pass).
            const slots = iat ? iat.size / pointer : 0;
            const guess = (iat ? iat.size : 0) + slots * NAME_ENTRY_GUESS;
            ranges.push([imports.rva, Math.max(end, Math.min(end + guess, Math.ceil(end / 0x1000) * 0x1000))]);
        }
        if (delayed)
            ranges.push([delayed.rva, delayed.rva + Math.max(delayed.size, 2 * DELAY_DESCRIPTOR_SIZE)]);
        image.prefetch(ranges);
        for (let pass = 0; pass < PLAN_PASSES; pass++) {
            const misses = [];
            parseAllImports(headers, image.dry(misses), imageSize);
            if (misses.length === 0)
                return;
            image.prefetch(misses.map(([s, e]) => [s, Math.min(e, s + PLAN_MISS_BYTES)]));
        }
    }
    /** The addresses to match by value: the argument's, or each matching name resolved in its exporter's symbols. */
    function resolveFunctions(target, q, parsed) {
        const out = [];
        const seen = new Set();
        const add = (name, module, address, source) => {
            if (!address || address.isNull || seen.has(address.key))
                return;
            seen.add(address.key);
            out.push({ display: name ? (module ? module + "!" : "") + name : address.toString(), name, address, source });
        };
        if (q.address) {
            add(q.name, q.module, q.address, q.name ? "symbol " + q.module + "!" + q.name : "argument");
            if (q.name)
                return out;
            // A bare address: a slot matched by name elsewhere that holds it names the function.
            for (const p of parsed) {
                for (const e of p.entries) {
                    if (e.name && e.target && e.target.equals(q.address)) {
                        out[0].name = e.name;
                        out[0].display = symbolModuleName(target, e.dll) + "!" + e.name;
                        return out;
                    }
                }
            }
            return out;
        }
        if (!q.name || !q.pattern)
            return out;
        // Candidate (module, name) pairs: the user's, and the exporter of every import whose name matches.
        const candidates = [];
        const keys = new Set();
        const candidate = (module, name) => {
            const key = module.toLowerCase() + "!" + name;
            if (keys.has(key) || candidates.length >= MAX_RESOLVED_NAMES)
                return;
            keys.add(key);
            candidates.push({ module, name });
        };
        if (!q.isWildcard) {
            if (q.module)
                candidate(q.module, q.name);
            else if (target.isKernel)
                candidate("nt", q.name);
        }
        for (const p of parsed) {
            for (const e of p.entries) {
                if (!e.name || !q.pattern.test(e.name))
                    continue;
                if (q.module && !sameModule(target, q.module, e.dll))
                    continue;
                candidate(symbolModuleName(target, e.dll), e.name);
            }
        }
        for (const c of candidates) {
            const address = target.symbolAddress(c.module, c.name);
            add(c.name, c.module, address, "symbol " + c.module + "!" + c.name);
        }
        // A wildcard also asks the symbols (`x nt!ExAllocatePool*`): importers whose names are all gone are still found.
        const module = q.module || (target.isKernel ? "nt" : null);
        if (q.isWildcard && module) {
            for (const s of symbolsMatching(target, module, q.name)) {
                if (out.length >= MAX_RESOLVED_NAMES)
                    break;
                add(s.name, module, s.address, "x " + module + "!" + q.name);
            }
        }
        return out;
    }
    /**
     * Symbols matching a wildcard, from `x module!pattern`. Its lines are `<address> module!name ...` (seed 003:
     * `e0894d1f nt!ExAllocatePool`); lines of any other shape are skipped, so format changes lose names, never crash.
     */
    function symbolsMatching(target, module, pattern) {
        const arg = symbolPatternArg(module, pattern);
        if (!arg)
            return [];
        const result = target.executeCommand("x", arg);
        const out = [];
        for (const line of result.lines) {
            const m = /^\s*([0-9a-fA-F]{8}(?:`?[0-9a-fA-F]{8})?)\s+[^!\s]+!([^\s(]+)/.exec(line);
            const address = m ? Address.parse(m[1]) : null;
            if (m && address && !address.isNull)
                out.push({ name: m[2], address });
            if (out.length >= MAX_RESOLVED_NAMES)
                break;
        }
        return out;
    }
    /** True when the user's module name (`nt`, `ntdll`, `HAL.dll`) names the DLL an import names. */
    function sameModule(target, userModule, dll) {
        const a = dllStem(userModule);
        const b = dllStem(dll);
        if (a === b)
            return true;
        if (target.isKernel && (a === "nt" || isKernelImage(a)) && isKernelImage(b))
            return true;
        const exporter = exportingModule(target, dll);
        return !!exporter && (exporter.name.toLowerCase() === a || dllStem(exporter.fileName) === a);
    }
    function match(target, q, parsed, result) {
        const byAddress = new Map();
        for (const f of result.functions)
            byAddress.set(f.address.key, f);
        for (const p of parsed) {
            const end = p.module.base.add(p.module.size);
            for (const e of p.entries) {
                const nameHit = !!(e.name && q.pattern && q.pattern.test(e.name) && (!q.module || sameModule(target, q.module, e.dll)));
                const valueFn = e.target ? byAddress.get(e.target.key) : undefined;
                if (!nameHit && !valueFn)
                    continue;
                const fnName = e.name || (valueFn && valueFn.name) || (e.ordinal !== null ? "#" + e.ordinal : "?");
                // A descriptor whose DLL name is unreadable: the module the slot's value lies in, as for an orphan slot.
                const holder = e.dll === "?" && e.target ? target.moduleContaining(e.target) : null;
                result.matches.push(record$1(target, p.module, end, {
                    fn: fnName,
                    dll: holder ? holder.fileName : e.dll,
                    ordinal: e.ordinal,
                    delayLoad: e.delayLoad,
                    iatRva: e.iatRva,
                    value: e.target,
                    redirected: nameHit && isRedirected(target, p.module, e, byAddress),
                    notYetResolved: isUnresolvedDelayLoad(p.module, e),
                    by: nameHit && valueFn ? "both" : nameHit ? "name" : "value",
                    namesReadable: !e.nameUnreadable,
                }));
            }
            for (const s of p.orphanSlots) {
                const fn = byAddress.get(s.value.key);
                if (!fn)
                    continue;
                const exporter = target.moduleContaining(s.value);
                result.matches.push(record$1(target, p.module, end, {
                    fn: fn.name || fn.display,
                    dll: exporter ? exporter.fileName : "?",
                    ordinal: null,
                    delayLoad: false,
                    iatRva: s.rva,
                    value: s.value,
                    redirected: false,
                    notYetResolved: false,
                    by: "value",
                    namesReadable: false,
                }));
            }
        }
        result.matches.sort((a, b) => (a.Function < b.Function ? -1 : a.Function > b.Function ? 1 : a.ModuleBase.compare(b.ModuleBase)));
    }
    /**
     * A name-matched slot is redirected when its value is neither the function's resolved address nor inside the
     * exporting module. Forwarded exports (HAL to nt) bind to the forwardee's address: a slot whose module resolves the
     * same name to it is not redirected. An unbound delay-load slot points into the importer's own stub: not either.
     */
    function isRedirected(target, importer, e, byAddress) {
        if (!e.target || e.target.isNull)
            return false;
        if (byAddress.has(e.target.key))
            return false;
        if (isUnresolvedDelayLoad(importer, e))
            return false;
        const exporter = exportingModule(target, e.dll);
        if (!exporter)
            return false;
        if (e.target.isWithin(exporter.base, exporter.size))
            return false;
        // A forwarded export (HAL.dll!X forwarded to nt!X) is bound to the forwardee: the name resolves there.
        const holder = target.moduleContaining(e.target);
        if (holder && e.name) {
            const forwardee = target.symbolAddress(target.isKernel && holder === target.kernelModule() ? "nt" : holder.name, e.name);
            if (forwardee && forwardee.equals(e.target))
                return false;
        }
        return true;
    }
    /**
     * A delay-load slot whose value lies inside the importer: the image's own delay-load thunk (the linker's
     * `__imp_load_<name>` stub calling `__delayLoadHelper2`), there until the first call binds the slot. A hook placed
     * inside the importer itself would look the same; the section table is not read to tell them apart.
     */
    function isUnresolvedDelayLoad(importer, e) {
        return e.delayLoad && !!e.target && !e.target.isNull && e.target.isWithin(importer.base, importer.size);
    }
    function record$1(target, module, end, f) {
        const iat = module.base.add(f.iatRva);
        const targetModule = f.value ? target.moduleContaining(f.value) : null;
        const m = {
            Module: module.name,
            ModuleBase: module.base,
            ModuleEnd: end,
            Function: f.fn,
            ImportedFrom: f.dll,
            ByOrdinal: f.ordinal !== null,
            Ordinal: f.ordinal,
            DelayLoad: f.delayLoad,
            IatAddress: iat,
            Target: f.value,
            TargetModule: targetModule ? targetModule.name : "",
            Redirected: f.redirected,
            NotYetResolved: f.notYetResolved,
            MatchedBy: f.by,
            NamesReadable: f.namesReadable,
            toString: () => module.name + " imports " + f.dll + "!" + f.fn + " at " + target.formatAddress(iat) +
                (f.value ? " -> " + target.formatAddress(f.value) : "") + (f.redirected ? " (redirected)" : f.notYetResolved ? " (delay-load, not yet resolved)" : ""),
        };
        return m;
    }

    // Lines that say where a command's figures came from (which tables were summed, which pooltag.txt described the
    // tags) are printed the first time in the session and not again, like the short layout line (DESIGN.md "Output
    // conventions" 2): a user who runs dx @$leaks() every few seconds reads the answer, not the same provenance each time.
    // Module state lives as long as the script is loaded, i.e. one debugger session.
    const said = new Set();
    /** `[line]` the first time this exact text is offered in the session, `[]` after that. */
    function oncePerSession(line) {
        if (said.has(line))
            return [];
        said.add(line);
        return [line];
    }
    /** Whether `line` is a provenance line printed once per session: reports are compared without them (core/repeat.ts). */
    function isSessionNote(line) {
        return said.has(line);
    }

    // `dx @$leaktag("Leak").Owners.Where(...)` calls the same function as `!leaktag "Leak"` (one function alias serves
    // both, and a script cannot tell how it was called), so every dx query over a result would print the whole report
    // again above its answer. The runner therefore builds a report command's output in a buffer and compares it with the
    // reports printed recently: when the text is word for word one of them, printed less than REPEAT_WINDOW_MS ago, one
    // line says so instead. The key is the report's text, not the command line: `dx @$virtblocks(0x29fb0000).Blocks`
    // after `!virtblocks 0x29fb0000` is a different line with the same report. Nothing is hidden: identical text means
    // the same figures, and on a live target whose state moved the text differs and is printed in full.
    /** How long an identical report is not repeated (host clock). */
    const REPEAT_WINDOW_MS = 120000;
    /** How many recent reports are remembered: enough for a command, two follow-ups and a detour. */
    const RECENT_REPORTS = 8;
    class BufferedPrinter {
        constructor(out) {
            this.out = out;
            this.buffer = [];
        }
        line(text) {
            this.buffer.push(text);
        }
        lines(texts) {
            for (const t of texts)
                this.buffer.push(t);
        }
        /** Progress is for the user waiting now: written at once, and not part of the report compared. */
        progress(text) {
            this.out.progress(text);
        }
    }
    const recent = [];
    /** Reports shorter than this are printed every time: replacing a line or two with a line saves nothing. */
    const MIN_REPEAT_LINES = 3;
    /**
     * The text two reports are compared by: without the short layout line (render/report.ts layoutNote) and the other
     * provenance lines a session prints once (core/session-notes.ts), so the second run of the same report lacks them
     * and is otherwise word for word the first.
     */
    function reportKey(buffer) {
        return buffer.filter((l) => !/^Layout: (guessed )?built-in /.test(l) && !isSessionNote(l)).join("\n");
    }
    /** The recent report with exactly this text, printed within the window, or null. */
    function recentReport(text, nowMs) {
        for (let i = recent.length - 1; i >= 0; i--) {
            const r = recent[i];
            if (r.text === text && nowMs >= r.atMs && nowMs - r.atMs < REPEAT_WINDOW_MS)
                return r;
        }
        return null;
    }
    function remember(command, text, nowMs) {
        for (let i = recent.length - 1; i >= 0; i--)
            if (recent[i].text === text)
                recent.splice(i, 1);
        recent.push({ command, text, atMs: nowMs });
        while (recent.length > RECENT_REPORTS)
            recent.shift();
    }
    /**
     * Prints `buffer` unless the same text was printed within the window; then one line names the command that printed
     * it. `note` is that line's ending ("the result below was read just now"). The clock is the script host's Date.now()
     * (the debugger machine's wall clock, not the target's): the window is about the user at the keyboard, and a dump
     * has no moving clock. Returns whether the report was printed.
     */
    function printReport(out, command, buffer, note = "the result below was read just now", nowMs = Date.now()) {
        const text = reportKey(buffer);
        const earlier = buffer.length >= MIN_REPEAT_LINES ? recentReport(text, nowMs) : null;
        if (earlier) {
            // No "N s ago": the line must read the same however fast the commands ran (transcripts are compared). The
            // window keeps running from the report the user can scroll back to.
            out.line("(" + command + ": the same report as above, not printed again; " + note + ".)");
            return false;
        }
        out.lines(buffer);
        remember(command, text, nowMs);
        return true;
    }
    /** The command as the user would type it, for that one line: `!leaktag "Leak"`, `!virtblocks 0x29fb0000`. */
    function commandLine(name, args) {
        const shown = args.filter((a) => a !== undefined).map(argText);
        return "!" + name + (shown.length === 0 ? "" : shown.length === 1 ? " " + shown[0] : " (" + shown.join(", ") + ")");
    }
    function argText(value) {
        if (typeof value === "string") {
            // Only ever printed, never run; still kept to one short line of printable characters.
            const s = value.length > 40 ? value.slice(0, 40) + "..." : value;
            return '"' + s.replace(/[\x00-\x1f\x7f"]/g, "?") + '"';
        }
        if (typeof value === "number")
            return value >= 0x10000 && Number.isInteger(value) ? "0x" + value.toString(16) : String(value);
        const address = addressArg$1(value);
        return address ? "0x" + address.toHex() : "<symbol>";
    }

    // Pool tags: four bytes stored little-endian in a ULONG (`Leak` is 0x6b61654c), shown as four characters.
    // Tags shorter than four characters are padded with spaces, as ExAllocatePoolWithTag callers write them.
    /** The tag of a tracker Key: its four bytes in memory order, unprintable bytes as `.` (as !poolused shows them). */
    function tagFromKey(key) {
        let text = "";
        for (let i = 0; i < 4; i++) {
            const c = (key >>> (i * 8)) & 0xff;
            text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
        }
        return text;
    }
    /** The four bytes of a tag as they lie in an image (`mov r8d, 'kaeL'` holds 4c 65 61 6b). */
    function tagBytes(tag) {
        const out = new Uint8Array(4);
        for (let i = 0; i < 4; i++)
            out[i] = i < tag.length ? tag.charCodeAt(i) & 0xff : 0x20;
        return out;
    }
    /** The longest tag the user may type: four characters (wildcards included). */
    const MAX_TAG_CHARS = 4;
    /** A tag or a `?`/`*` pattern of 1-4 printable characters; null for anything else (empty, longer, not a string). */
    function parseTagPattern(value) {
        if (typeof value !== "string")
            return null;
        if (value.length < 1 || value.length > MAX_TAG_CHARS || /[\x00-\x1f\x7f-\uffff]/.test(value))
            return null;
        const hasWildcards = /[?*]/.test(value);
        if (!hasWildcards) {
            const text = (value + "    ").slice(0, 4);
            return { text, hasWildcards, matches: (tag) => tag === text };
        }
        const source = value.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\?/g, ".").replace(/\*/g, ".*");
        const re = new RegExp("^" + source + " *$");
        return { text: value, hasWildcards, matches: (tag) => re.test(tag) };
    }
    /** `None` (and four spaces) is what ExAllocatePool without a tag records (seed 003: "call to ExAllocatePool"). */
    function isUntaggedTag(tag) {
        return tag === "None" || tag === "    ";
    }

    class Unreadable {
        constructor(address, size, what) {
            this.address = address;
            this.size = size;
            this.what = what;
            this.kind = "unreadable";
        }
        describe(pointerSize) {
            return this.what + " at " + this.address.format(pointerSize) + " (" + this.size + " bytes) is unreadable";
        }
        toString() {
            return "<unreadable " + this.what + " at " + this.address.toString() + ">";
        }
    }
    class NotApplicable {
        constructor(reason) {
            this.reason = reason;
            this.kind = "notApplicable";
        }
        toString() {
            return "<n/a: " + this.reason + ">";
        }
    }

    // The readable start of a large kernel table whose declared size may be absurd (a corrupt nt!PoolTrackTableSize or
    // nt!PoolBigPageTableSize): the table is read whole when it reads; otherwise in 64 KB steps up to the first hole,
    // then page by page inside that step, so a size of 2^64-1 costs a handful of reads, not one per page of the claim.
    /** Bytes per step once the whole read failed: 16 pages, so the page-by-page pass after a hole is at most 16 reads. */
    const STEP = 0x10000;
    const PAGE = 0x1000;
    /** The whole table, or its readable prefix (possibly empty) with the address where reading stopped. */
    function readTablePrefix(target, at, size, what) {
        const whole = target.memory.read(at, size, what, false);
        if (!(whole instanceof Unreadable))
            return { bytes: whole, stoppedAt: null };
        const pieces = [];
        let done = 0;
        let stoppedAt = null;
        while (done < size && stoppedAt === null) {
            const n = Math.min(STEP, size - done);
            const step = target.memory.read(at.add(done), n, what, false);
            if (!(step instanceof Unreadable)) {
                pieces.push(step);
                done += n;
                continue;
            }
            // The hole is somewhere in this step: keep its readable pages.
            for (let p = 0; p < n; p += PAGE) {
                const page = target.memory.read(at.add(done), Math.min(PAGE - ((at.lo + done) % PAGE), size - done), what, false);
                if (page instanceof Unreadable) {
                    stoppedAt = at.add(done);
                    break;
                }
                pieces.push(page);
                done += page.length;
            }
        }
        const bytes = new Uint8Array(done);
        let o = 0;
        for (const p of pieces) {
            bytes.set(p, o);
            o += p.length;
        }
        return { bytes, stoppedAt };
    }
    /**
     * A table of `entries` records of `stride` bytes (`name` says what it is: "the tag table"): the records that read,
     * and when not all did, a problem line naming where reading stopped.
     */
    function readTableEntries(target, at, entries, stride, what, name) {
        const prefix = readTablePrefix(target, at, entries * stride, what);
        if (!prefix.stoppedAt)
            return { bytes: prefix.bytes, entries, problem: null };
        const readable = Math.floor(prefix.bytes.length / stride);
        const problem = readable === 0
            ? name + " at " + target.formatAddress(at) + " (" + groupDigits(entries) + " entries) is unreadable"
            : name + " at " + target.formatAddress(at) + " is readable for " + groupDigits(readable) + " of " + groupDigits(entries) + " entries (unreadable from " + target.formatAddress(prefix.stoppedAt) + ")";
        return { bytes: prefix.bytes, entries: readable, problem };
    }
    /** A count read from the target, exact: decimal up to 2^53, hexadecimal above (a number would round it). */
    function exactCount(bytes, offset, size) {
        let hi = 0;
        let lo = 0;
        for (let i = size - 1; i >= 0; i--) {
            if (i >= 4)
                hi = hi * 256 + bytes[offset + i];
            else
                lo = lo * 256 + bytes[offset + i];
        }
        const value = hi * 0x100000000 + lo;
        if (value <= Number.MAX_SAFE_INTEGER)
            return String(value);
        return new Address(hi, lo).toString();
    }

    /** Entries read at most: 8M entries is 192-256 MB of table (the largest single read, limits.maxImageBytes), far beyond any machine's PoolBigPageTableSize. */
    const MAX_BIG_PAGE_ENTRIES = 0x800000;
    function readBigPages(target, pattern) {
        const build = target.windowsBuild();
        let layout = resolveLayout(POOL_TRACKER_BIG_PAGES, (m, t) => target.type(m, t), target.pointerSize, build);
        if (isLayoutMissing(layout))
            return { kind: "bigPagesMissing", reason: layout.reason };
        const tableAt = target.readGlobalPointer("nt", "PoolBigPageTable");
        if (tableAt === null)
            return { kind: "bigPagesMissing", reason: "nt!PoolBigPageTable" };
        if (tableAt instanceof Unreadable)
            return { kind: "bigPagesMissing", reason: tableAt.describe(target.pointerSize) };
        const sizeAt = target.symbolAddress("nt", "PoolBigPageTableSize");
        if (!sizeAt)
            return { kind: "bigPagesMissing", reason: "nt!PoolBigPageTableSize" };
        const sizeBytes = target.memory.read(sizeAt, target.pointerSize, "nt!PoolBigPageTableSize");
        if (sizeBytes instanceof Unreadable)
            return { kind: "bigPagesMissing", reason: sizeBytes.describe(target.pointerSize) };
        const problems = [];
        let entries = unsigned(sizeBytes, 0, target.pointerSize);
        if (entries > MAX_BIG_PAGE_ENTRIES) {
            problems.push("nt!PoolBigPageTableSize is " + exactCount(sizeBytes, 0, target.pointerSize) + "; only the first " + groupDigits(MAX_BIG_PAGE_ENTRIES) + " entries were read");
            entries = MAX_BIG_PAGE_ENTRIES;
        }
        if (layout.guessed && entries > 0)
            layout = inferBigPageLayout(target, tableAt, entries, layout);
        if (build === null && !bigPagePoolTypeShiftFollowsSize(layout.size, target.pointerSize)) {
            // The shift below is Windows 10's; nothing in an entry tells a Windows 7/8.1 POOL_TYPE from Windows 10's bits.
            layout = Object.assign(Object.assign({}, layout), { description: layout.description + "; Paged is a guess: with entries of this size the pool type sits in other bits on Windows 7 and 8.1 than on Windows 10, and it was read as Windows 10 keeps it" });
        }
        const stride = layout.size;
        const o = layout.offsets;
        // PoolType is the ULONG after Key in every variant (layouts.md §2.3); symbols name it differently per build.
        const poolTypeAt = o.PoolType !== undefined ? o.PoolType : o.Key + 4;
        const shift = bigPagePoolTypeShift(build);
        const sizeWidth = layout.sizes.NumberOfBytes || target.pointerSize;
        const allocations = [];
        if (entries > 0) {
            const table = readTableEntries(target, tableAt, entries, stride, "nt!PoolBigPageTable", "the big page table");
            const bytes = table.bytes;
            if (table.problem)
                problems.push(table.problem);
            entries = table.entries;
            for (let i = 0; i < entries; i++) {
                const base = i * stride;
                const va = pointer(bytes, base + o.Va, target.pointerSize);
                if (va.isNull || (va.lo & 1) !== 0)
                    continue;
                const key = u32(bytes, base + o.Key);
                if (key === 0)
                    continue;
                const tag = tagFromKey(key);
                if (!pattern.matches(tag))
                    continue;
                const poolType = (u32(bytes, base + poolTypeAt) >>> shift) & 0xfff;
                allocations.push({ address: va, size: unsigned(bytes, base + o.NumberOfBytes, sizeWidth), paged: (poolType & 1) === 1, tag });
            }
        }
        return { kind: "bigPages", allocations, layoutDescription: layout.description, layout, entries, problems };
    }
    /** Entries sampled to infer the stride: 2,048 entries is 48-64 KB, a few packets. */
    const STRIDE_SAMPLE = 2048;
    /**
     * Without the Windows build the entry size (0x18 up to Windows 10, 0x20 from Server 2022 on) is not known. The table
     * tells: with the right stride a used entry (Va not null) holds a page-aligned kernel address (bit 0 marks a free
     * entry), a tag of four printable characters and, when live, a size from one page to 4 GB; with a wrong one these
     * land on each other's bytes. The candidate whose entries pass most often wins, and the description says it was
     * inferred; when none passes more often than not, the guess stands and says that the contents did not confirm it.
     */
    function inferBigPageLayout(target, tableAt, entries, guess) {
        const ps = target.pointerSize;
        // One candidate per entry size, the newest variant of each (the pool type shift for an unknown build is Win10's).
        const variants = POOL_TRACKER_BIG_PAGES.variants.filter((v) => v.pointerSize === ps).sort((a, b) => (b.minBuild || 0) - (a.minBuild || 0));
        const strides = variants.filter((v, i) => variants.findIndex((w) => w.size === v.size) === i);
        const sample = Math.min(entries, STRIDE_SAMPLE);
        const why = notInSymbols(POOL_TRACKER_BIG_PAGES) + " and the Windows build is unknown (nt!NtBuildNumber missing or unreadable)";
        let best = null;
        for (const v of strides) {
            const table = readTableEntries(target, tableAt, sample, v.size, "nt!PoolBigPageTable", "the big page table");
            let valid = 0;
            let used = 0;
            for (let i = 0; i < table.entries; i++) {
                const base = i * v.size;
                const va = pointer(table.bytes, base + v.offsets.Va, ps);
                if (va.isNull)
                    continue;
                used++;
                if (plausibleBigPage(table.bytes, base, v.offsets, va, ps))
                    valid++;
            }
            const score = valid - (used - valid);
            if (used > 0 && (!best || score > best.score))
                best = { score, valid, used, variant: v };
        }
        if (!best || best.score <= 0) {
            return Object.assign(Object.assign({}, guess), { description: guess.description + "; the table's contents did not confirm it" });
        }
        const v = best.variant;
        return builtInLayout(POOL_TRACKER_BIG_PAGES, v, why + "; using the built-in layout for " + v.label + ", inferred from the table: with its 0x" + v.size.toString(16) + "-byte entries " +
            best.valid + " of the first " + best.used + " used entries hold a page-aligned kernel address, a printable tag and a plausible size", true);
    }
    function plausibleBigPage(bytes, base, o, va, ps) {
        const free = (va.lo & 1) === 1;
        if ((va.lo & 0xffe) !== 0)
            return false;
        // Kernel space: the top half of the address space (x64 canonical high half; x86 above 2 GB, 3 GB with /3GB).
        if (ps === 8 ? va.hi < 0xffff8000 : va.lo < 0x80000000)
            return false;
        const key = u32(bytes, base + o.Key);
        for (let i = 0; i < 4; i++) {
            const c = (key >>> (i * 8)) & 0xff;
            if (c < 0x20 || c > 0x7e)
                return false;
        }
        if (free)
            return true; // A free entry's size is stale.
        const size = unsigned(bytes, base + o.NumberOfBytes, ps);
        return size > 0 && size <= 0x100000000;
    }

    /** Seconds between two progress lines when the work is slower than expected. */
    const PROGRESS_INTERVAL_MS = 5000;
    class Progress {
        /**
         * `large`: the work is big enough to be worth 10% steps (each command sets its own threshold from the
         * KDNET cost model: 8 MB/s of reads, or one round trip per debugger command). `describe` renders "done of total".
         */
        constructor(out, label, total, 
        /** Public so that a walk whose size shows only as it goes can switch to 10% steps. */
        large, describe, now = () => Date.now()) {
            this.out = out;
            this.label = label;
            this.total = total;
            this.large = large;
            this.describe = describe;
            this.now = now;
            this.nextPercent = 10;
            this.lastPrinted = now();
        }
        update(done) {
            if (!(this.total > 0) || done >= this.total)
                return;
            const percent = Math.floor((done * 100) / this.total);
            const time = this.now();
            if ((this.large && percent >= this.nextPercent) || time - this.lastPrinted >= PROGRESS_INTERVAL_MS) {
                this.out.progress(this.label + ": " + percent + "% (" + this.describe(done, this.total) + ")");
                this.nextPercent = Math.floor(percent / 10) * 10 + 10;
                this.lastPrinted = time;
            }
        }
    }
    /** "45 of 150 MB" with a unit that suits the total. */
    function bytesOf(done, total) {
        const mb = 1024 * 1024;
        if (total >= 10 * mb)
            return Math.floor(done / mb) + " of " + Math.floor(total / mb) + " MB";
        return Math.floor(done / 1024) + " of " + Math.floor(total / 1024) + " KB";
    }
    function countOf(unit) {
        return (done, total) => done + " of " + total + " " + unit;
    }

    // How to read a loaded image's sections over a slow link. On a running kernel a driver's last sections are nearly
    // always discardable (INIT, .reloc: the kernel frees them once the driver is initialised) and its PAGE* sections are
    // pageable, so one read from the first section to the last fails, and a failed read still pays for the bytes before
    // its hole. So: one read per run of adjacent sections expected resident, and each section that may be absent
    // (discardable, or named PAGE*) on its own; no byte planned twice.
    /** Sections whose pages may be missing on a running system: freed after initialisation, or pageable. */
    function mayBeAbsent(section) {
        return section.isDiscardable || /^PAGE/i.test(section.name);
    }
    /**
     * The reads that cover `sections` (clipped to `limit` bytes of image): adjacent sections expected resident joined
     * into one read (the padding between two sections lies in the last page of the first, which is mapped with it),
     * each section that may be absent alone. Sections that overlap (hostile headers) are read from where the previous
     * read ended, so no byte is asked twice.
     */
    function planSectionReads(sections, limit) {
        const sorted = sections.filter((s) => s.virtualSize > 0 && s.virtualAddress < limit).slice().sort((a, b) => a.virtualAddress - b.virtualAddress);
        const reads = [];
        let covered = 0;
        let runOpen = false;
        for (const s of sorted) {
            const end = Math.min(limit, s.virtualAddress + s.virtualSize);
            const start = Math.max(s.virtualAddress, covered);
            if (end <= start)
                continue;
            const last = reads[reads.length - 1];
            const alone = mayBeAbsent(s);
            if (!alone && runOpen && last && start <= alignUp(last.rva + last.size)) {
                last.size = end - last.rva;
                last.sections.push(s.name);
            }
            else {
                reads.push({ rva: start, size: end - start, discardable: s.isDiscardable, sections: [s.name] });
            }
            runOpen = !alone;
            covered = end;
        }
        return reads;
    }
    function alignUp(value) {
        return Math.ceil(value / PAGE_SIZE) * PAGE_SIZE;
    }

    // Where a tag loaded by one instruction goes: instruction by instruction from the tag's instruction to the calls it
    // is an argument of. Compilers do not always load the tag into the argument register: MSVC hoists a constant used
    // more than once into a callee-saved register (`mov ebp, imm32` ... `mov r8d, ebp` ... `call [IAT]`, bufferutil-x64.node
    // rva 0x5187 and 0xd9a2, test/unit/pool/tag-flow.test.ts) and x86 code pushes a register (`mov esi, imm32` ...
    // `push esi`). So the walk follows register moves, forgets what a call clobbers, and stops where the code stops
    // running straight on: at a `jmp`, `ret` or `int3`, at a call once no callee-saved register holds the tag, or at the
    // first byte it cannot decode. A raw byte scan of a fixed window instead runs past a free site's `jmp`/`ret` into the
    // next function and takes that function's allocation for the tag's.
    //
    // The decoder knows instruction lengths (prefixes, REX, one- and two-byte opcodes, ModRM/SIB/displacement,
    // immediates) and the few effects the walk needs; VEX/EVEX and far calls end the walk.
    /** Bytes from the tag's instruction the walk may go: a hoisted tag is used within its function, and the callee-saved
     *  register is reused by the next one. MSVC's uses in bufferutil-x64.node lie 0x12 to 0x44 bytes apart. */
    const TAG_FLOW_BYTES = 0x200;
    /** Instructions decoded at most per tag. */
    const TAG_FLOW_INSTRUCTIONS = 160;
    const REGISTER_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi", "r8d", "r9d", "r10d", "r11d", "r12d", "r13d", "r14d", "r15d"];
    /** Registers a call may change (Microsoft x64 calling convention: rax, rcx, rdx, r8-r11; x86: eax, ecx, edx). */
    const VOLATILE64 = [0, 1, 2, 8, 9, 10, 11];
    const VOLATILE32 = [0, 1, 2];
    /** Registers that carry arguments: rcx, rdx, r8, r9 (x64); ecx, edx for __fastcall wrappers (x86). */
    const ARGUMENTS64 = [1, 2, 8, 9];
    const ARGUMENTS32 = [1, 2];
    const PREFIXES = [0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65];
    /** One-byte opcodes invalid in 64-bit mode (or VEX/EVEX/far forms this decoder does not size). */
    const INVALID64 = [0x06, 0x07, 0x0e, 0x16, 0x17, 0x1e, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x60, 0x61, 0x62, 0x82, 0x9a, 0xc4, 0xc5, 0xd4, 0xd5, 0xd6, 0xea];
    const UNSIZED32 = [0x62, 0x9a, 0xc4, 0xc5, 0xea];
    function oneByteHasModrm(b) {
        if (b < 0x40)
            return (b & 7) < 4;
        if (b === 0x62 || b === 0x63 || b === 0x69 || b === 0x6b)
            return true;
        if (b >= 0x80 && b <= 0x8f)
            return true;
        if (b === 0xc0 || b === 0xc1 || b === 0xc6 || b === 0xc7)
            return true;
        if (b >= 0xd0 && b <= 0xd3)
            return true;
        if (b >= 0xd8 && b <= 0xdf)
            return true;
        return b === 0xf6 || b === 0xf7 || b === 0xfe || b === 0xff;
    }
    /** Immediate bytes of a one-byte opcode (`reg` is the ModRM reg field, for f6/f7). */
    function oneByteImmediate(b, z, rexW, is64, addressSize32, reg) {
        if (b < 0x40)
            return (b & 7) === 4 ? 1 : (b & 7) === 5 ? z : 0;
        if (b === 0x68 || b === 0x69 || b === 0x81 || b === 0xa9 || b === 0xc7)
            return z;
        if (b === 0x6a || b === 0x6b || b === 0x80 || b === 0x82 || b === 0x83 || b === 0xa8 || b === 0xc0 || b === 0xc1 || b === 0xc6)
            return 1;
        if (b >= 0x70 && b <= 0x7f)
            return 1;
        if (b >= 0xa0 && b <= 0xa3)
            return is64 && !addressSize32 ? 8 : 4;
        if (b >= 0xb0 && b <= 0xb7)
            return 1;
        if (b >= 0xb8 && b <= 0xbf)
            return rexW ? 8 : z;
        if (b === 0xc2 || b === 0xca)
            return 2;
        if (b === 0xc8)
            return 3;
        if (b === 0xcd || b === 0xd4 || b === 0xd5 || b === 0xeb)
            return 1;
        if (b >= 0xe0 && b <= 0xe7)
            return 1;
        if (b === 0xe8 || b === 0xe9)
            return 4;
        if ((b === 0xf6 || b === 0xf7) && reg < 2)
            return b === 0xf6 ? 1 : z;
        return 0;
    }
    function twoByteHasModrm(b) {
        if ((b >= 0x05 && b <= 0x09) || b === 0x0b || b === 0x0e || b === 0x77)
            return false;
        if (b >= 0x30 && b <= 0x37)
            return false;
        if (b >= 0x80 && b <= 0x8f)
            return false;
        if (b === 0xa0 || b === 0xa1 || b === 0xa2 || b === 0xa8 || b === 0xa9 || b === 0xaa)
            return false;
        return !(b >= 0xc8 && b <= 0xcf);
    }
    function twoByteImmediate(b) {
        if (b >= 0x80 && b <= 0x8f)
            return 4;
        if ((b >= 0x70 && b <= 0x73) || b === 0xa4 || b === 0xac || b === 0xba || b === 0xc2 || b === 0xc4 || b === 0xc5 || b === 0xc6 || b === 0x0f)
            return 1;
        return 0;
    }
    /** The instruction at `at`, or null when it is not one this decoder sizes (or runs past the bytes). */
    function decodeInstruction(bytes, at, is64) {
        let i = at;
        let operandSize16 = false;
        let addressSizeOverride = false;
        while (i < bytes.length && PREFIXES.indexOf(bytes[i]) >= 0 && i - at < 14) {
            if (bytes[i] === 0x66)
                operandSize16 = true;
            if (bytes[i] === 0x67)
                addressSizeOverride = true;
            i++;
        }
        // 16-bit addressing (0x67 in 32-bit code) is not met in drivers: stop rather than mis-size.
        if (!is64 && addressSizeOverride)
            return null;
        let rex = 0;
        if (is64 && i < bytes.length && bytes[i] >= 0x40 && bytes[i] <= 0x4f)
            rex = bytes[i++];
        if (i >= bytes.length)
            return null;
        const rexW = (rex & 8) !== 0;
        const z = operandSize16 ? 2 : 4;
        const opcodeAt = i - at;
        let opcode = bytes[i++];
        let hasModrm;
        let immediate = 0;
        let reg = 0;
        if (opcode === 0x0f) {
            if (i >= bytes.length)
                return null;
            const second = bytes[i++];
            if (second === 0x38 || second === 0x3a) {
                if (i >= bytes.length)
                    return null;
                opcode = (second === 0x38 ? 0x0f3800 : 0x0f3a00) | bytes[i++];
                hasModrm = true;
                immediate = second === 0x3a ? 1 : 0;
            }
            else {
                opcode = 0x0f00 | second;
                hasModrm = twoByteHasModrm(second);
                immediate = twoByteImmediate(second);
            }
        }
        else {
            if ((is64 ? INVALID64 : UNSIZED32).indexOf(opcode) >= 0)
                return null;
            hasModrm = oneByteHasModrm(opcode);
        }
        let mod = null;
        let rm = 0;
        let stackMemory = false;
        if (hasModrm) {
            if (i >= bytes.length)
                return null;
            const modrm = bytes[i++];
            mod = modrm >> 6;
            reg = ((modrm >> 3) & 7) | ((rex & 4) << 1);
            rm = (modrm & 7) | ((rex & 1) << 3);
            if (mod !== 3) {
                let base = modrm & 7;
                if ((modrm & 7) === 4) {
                    if (i >= bytes.length)
                        return null;
                    const sib = bytes[i++];
                    base = sib & 7;
                    if (mod === 0 && base === 5)
                        i += 4;
                }
                else if (mod === 0 && base === 5)
                    i += 4;
                if (mod === 1)
                    i += 1;
                if (mod === 2)
                    i += 4;
                // Outgoing arguments live at [rsp+x] / [esp+x]; [rbp+x] is a local, and base 4 with REX.B is r12.
                stackMemory = base === 4 && (rex & 1) === 0;
            }
        }
        if (opcode < 0x100)
            immediate = oneByteImmediate(opcode, z, rexW, is64, addressSizeOverride, reg & 7);
        const immediateAt = i - at;
        i += immediate;
        if (i > bytes.length)
            return null;
        return { length: i - at, opcode, opcodeAt, rex, rexW, operandSize16, mod, reg, rm, stackMemory, immediateAt, immediateSize: immediate };
    }
    /**
     * Walks from `from` (the instruction after the tag's) while the tag is held, and returns the calls (and the tail
     * jump) made with the tag in an argument: x64 rcx/rdx/r8/r9 or a stack slot, x86 the stack or ecx/edx.
     */
    function followTag(bytes, from, holder, is64, maxBytes = TAG_FLOW_BYTES) {
        const held = {};
        if (holder.register !== null)
            held[holder.register] = [];
        let stack = holder.stack;
        let stackMoves = [];
        const volatile = is64 ? VOLATILE64 : VOLATILE32;
        const argumentRegisters = is64 ? ARGUMENTS64 : ARGUMENTS32;
        const calls = [];
        const end = Math.min(bytes.length, from + maxBytes);
        const holding = () => stack || Object.keys(held).length > 0;
        const release = (r) => delete held[r];
        let at = from;
        for (let count = 0; count < TAG_FLOW_INSTRUCTIONS; count++) {
            if (at >= end)
                return { calls, stop: "window" };
            const ins = decodeInstruction(bytes.subarray(0, end), at, is64);
            if (!ins)
                return { calls, stop: "undecoded" };
            const op = ins.opcode;
            const ext = ins.reg & 7;
            const isCall = op === 0xe8 || (op === 0xff && ins.mod !== null && (ext === 2 || ext === 3));
            const isJump = op === 0xe9 || op === 0xeb || (op === 0xff && ins.mod !== null && (ext === 4 || ext === 5));
            if (isCall || isJump) {
                const inArgument = argumentRegisters.filter((r) => held[r] !== undefined);
                if (stack || inArgument.length) {
                    const moves = inArgument.length ? held[inArgument[0]] : stackMoves;
                    calls.push({ at, opcodeAt: at + ins.opcodeAt, moves: moves.slice(), jump: isJump });
                }
                if (isJump)
                    return { calls, stop: "jmp" };
                for (const r of volatile)
                    release(r);
                stack = false;
                stackMoves = [];
                if (!holding())
                    return { calls, stop: "call" };
                at += ins.length;
                continue;
            }
            if (op === 0xc3 || op === 0xc2 || op === 0xcb || op === 0xca || op === 0xcf)
                return { calls, stop: "ret" };
            if (op === 0xcc || op === 0xcd || op === 0xf4 || op === 0x0f0b)
                return { calls, stop: "int3" };
            applyEffects(ins, held, (moves) => {
                stack = true;
                stackMoves = moves;
            });
            if (!holding())
                return { calls, stop: "overwritten" };
            at += ins.length;
        }
        return { calls, stop: "window" };
    }
    /** What an instruction does to the registers that hold the tag: moves copy it, writes drop it, stores and pushes of a
     *  holder put it on the stack. */
    function applyEffects(ins, held, toStack) {
        const op = ins.opcode;
        const drop = (r) => delete held[r];
        const name = (r) => REGISTER_NAMES[r] || "r" + r;
        const register = ins.mod === 3;
        // mov r/m32, r32 (89) and mov r32, r/m32 (8b): register to register copies the tag; a store of a holder to a
        // stack slot puts it on the stack; a load overwrites the destination.
        if ((op === 0x89 || op === 0x8b) && !ins.operandSize16) {
            const dst = op === 0x89 ? ins.rm : ins.reg;
            const src = op === 0x89 ? ins.reg : ins.rm;
            if (register) {
                if (held[src] !== undefined)
                    held[dst] = held[src].concat(["mov " + name(dst) + ", " + name(src)]);
                else
                    drop(dst);
            }
            else if (op === 0x89) {
                if (held[src] !== undefined && ins.stackMemory)
                    toStack(held[src].concat(["mov [stack], " + name(src)]));
            }
            else
                drop(dst);
            return;
        }
        // push r32/r64 (50+r; REX.B for r8-r15): x86 passes arguments this way.
        if (op >= 0x50 && op <= 0x57) {
            const r = (op - 0x50) | ((ins.rex & 1) << 3);
            if (held[r] !== undefined)
                toStack(held[r].concat(["push " + name(r)]));
            return;
        }
        if (op >= 0x58 && op <= 0x5f) {
            drop((op - 0x58) | ((ins.rex & 1) << 3));
            return;
        }
        // mov r32, imm (b8+r): another value.
        if (op >= 0xb8 && op <= 0xbf) {
            drop((op - 0xb8) | ((ins.rex & 1) << 3));
            return;
        }
        if (op >= 0xb0 && op <= 0xb7)
            return; // 8-bit moves: a byte register, not the tag's dword
        // Implicit writes: xchg eax, r; cdq/cwde; string instructions (rsi, rdi, rcx); mul/div (eax, edx); cpuid, rdtsc.
        if (op >= 0x91 && op <= 0x97) {
            drop(0);
            drop(op - 0x90);
            return;
        }
        if (op === 0x98 || op === 0x99) {
            drop(op === 0x98 ? 0 : 2);
            return;
        }
        if (op >= 0xa4 && op <= 0xaf) {
            drop(1);
            drop(6);
            drop(7);
            drop(0);
            return;
        }
        if (op === 0x0fa2 || op === 0x0f31) {
            drop(0);
            drop(2);
            if (op === 0x0fa2) {
                drop(1);
                drop(3);
            }
            return;
        }
        if (ins.mod === null)
            return;
        const ext = ins.reg & 7;
        // Compares and tests write no register.
        if ((op >= 0x38 && op <= 0x3b) || op === 0x84 || op === 0x85)
            return;
        if ((op === 0x80 || op === 0x81 || op === 0x83) && ext === 7)
            return;
        if ((op === 0xf6 || op === 0xf7) && ext < 2)
            return;
        if (op === 0xf7 && ext >= 4) {
            drop(0);
            drop(2);
            return;
        }
        // ALU r/m, r (x0/x1) writes r/m; ALU r, r/m (x2/x3) writes r.
        if (op < 0x40 && (op & 7) < 4) {
            if ((op & 7) < 2) {
                if (register)
                    drop(ins.rm);
            }
            else
                drop(ins.reg);
            return;
        }
        // Group 1/2/3/5 on a register and mov r/m, imm: the r/m register changes (push r/m and call/jmp are handled apart).
        if (op === 0x80 || op === 0x81 || op === 0x83 || op === 0xc0 || op === 0xc1 || (op >= 0xd0 && op <= 0xd3) || op === 0xf6 || op === 0xf7 || op === 0xfe || op === 0xc6 || op === 0xc7 || op === 0x8f) {
            if (register)
                drop(ins.rm);
            return;
        }
        if (op === 0xff) {
            if (register && ext < 2)
                drop(ins.rm);
            return;
        }
        // Writes to the reg field: lea, movsxd, imul, movzx/movsx, cmovcc, bsf/bsr, popcnt, bt* to r/m, xchg, xadd.
        if (op === 0x8d || op === 0x63 || op === 0x69 || op === 0x6b || op === 0x0faf || op === 0x0fb6 || op === 0x0fb7 || op === 0x0fbe || op === 0x0fbf || op === 0x0fbc || op === 0x0fbd || op === 0x0fb8) {
            drop(ins.reg);
            return;
        }
        if (op >= 0x0f40 && op <= 0x0f4f) {
            drop(ins.reg);
            return;
        }
        if (op === 0x86 || op === 0x87 || op === 0x0fc0 || op === 0x0fc1) {
            drop(ins.reg);
            if (register)
                drop(ins.rm);
            return;
        }
        if (register && ((op >= 0x0f90 && op <= 0x0f9f) || op === 0x0fab || op === 0x0fb3 || op === 0x0fbb || op === 0x0fba || op === 0x0fa4 || op === 0x0fa5 || op === 0x0fac || op === 0x0fad)) {
            drop(ins.rm);
            return;
        }
        // mov r32, xmm (movd 66 0f 7e) and the like write a general register from the rm field.
        if (op === 0x0f7e && register)
            drop(ins.rm);
    }

    // Which loaded driver allocates with a tag: every module whose image holds the tag's four bytes, read section by
    // section in large batched reads. A hit is `code` when the bytes are the immediate operand of an instruction in an
    // executable section (`41 b8 <tag>`: mov r8d, tag, the third argument of ExAllocatePoolWithTag/ExAllocatePool2);
    // a code hit whose tag is an argument of a call into an allocator's IAT slot (`ff 15 disp32`) is the allocation
    // itself, and ranks its module first. So is a call to the driver's own allocation wrapper: a `call rel32` whose
    // target calls or jumps through an allocator's IAT slot within its first WRAPPER_BYTES bytes. The way from the tag to
    // the call is walked instruction by instruction (src/pool/tag-flow.ts): through register moves, and never past a
    // `jmp`, `ret` or `int3`. A call into ExFreePoolWithTag is a free site, not an allocation.
    /** Imports that allocate tagged pool. A call into one of these right after the tag is the allocation. */
    const ALLOCATOR_IMPORTS = [
        "ExAllocatePool",
        "ExAllocatePoolWithTag",
        "ExAllocatePoolWithQuotaTag",
        "ExAllocatePool2",
        "ExAllocatePool3",
        "ExAllocatePoolWithTagPriority",
        "ExAllocatePoolZero",
        "ExAllocatePoolQuotaZero",
        "ExAllocatePoolUninitialized",
    ];
    /** Imports that free tagged pool; the tag is their second argument. A call into one is a free site. */
    const FREE_IMPORTS = ["ExFreePoolWithTag", "ExFreePool2"];
    /** Bytes of a called function searched for the allocator call that makes it an allocation wrapper. */
    const WRAPPER_BYTES = 0x60;
    /** Hits kept per module besides allocator calls, which are all kept (the rest are counted): code first, then data. */
    const MAX_HITS_PER_MODULE = 64;
    const onStack = { register: null, stack: true };
    const inRegister = (r) => ({ register: r, stack: false });
    /** `mov r32, imm32` (b8+r) for every register but esp; x64 adds REX.B (`41 b8+r`, r8d-r15d) and `mov r64, imm64`
     *  (REX.W, the tag as the low dword). Compilers load a tag used more than once into a callee-saved register this way. */
    function registerForms(is64) {
        const forms = [];
        for (let r = 0; r < (is64 ? 16 : 8); r++) {
            if (r === 4)
                continue;
            const opcode = 0xb8 + (r & 7);
            const name = REGISTER_NAMES[r];
            if (is64) {
                const rexW = r < 8 ? 0x48 : 0x49;
                forms.push({ bytes: [rexW, opcode], name: "mov " + (r < 8 ? "r" + name.slice(1) : name.slice(0, -1)) + ", imm64", holder: inRegister(r), rest: 8 });
            }
            forms.push({ bytes: r < 8 ? [opcode] : [0x41, opcode], name: "mov " + name + ", imm32", holder: inRegister(r) });
        }
        return forms;
    }
    const byLength = (a, b) => b.bytes.length - a.bytes.length;
    // Longest first: `41 b8` (mov r8d) ends with the `b8` of mov eax, and `48 b8` (mov rax, imm64) too.
    const X64_FORMS = [
        { bytes: [0xc7, 0x44, 0x24, -1], name: "mov dword ptr [rsp+disp8], imm32", holder: onStack },
        { bytes: [0xc7, 0x45, -1], name: "mov dword ptr [rbp+disp8], imm32", holder: onStack },
        { bytes: [0x68], name: "push imm32", holder: onStack },
    ]
        .concat(registerForms(true))
        .sort(byLength);
    const X86_FORMS = [
        { bytes: [0x68], name: "push imm32", holder: onStack },
        { bytes: [0xc7, 0x44, 0x24, -1], name: "mov dword ptr [esp+disp8], imm32", holder: onStack },
        { bytes: [0xc7, 0x04, 0x24], name: "mov dword ptr [esp], imm32", holder: onStack },
        { bytes: [0xc7, 0x45, -1], name: "mov dword ptr [ebp+disp8], imm32", holder: onStack },
    ]
        .concat(registerForms(false))
        .sort(byLength);
    /** The instruction form whose imm32 operand starts at `at`, or null. */
    function immediateFormAt(bytes, at, is64) {
        for (const form of is64 ? X64_FORMS : X86_FORMS) {
            const start = at - form.bytes.length;
            if (start < 0)
                continue;
            let ok = true;
            for (let i = 0; i < form.bytes.length && ok; i++)
                if (form.bytes[i] >= 0 && bytes[start + i] !== form.bytes[i])
                    ok = false;
            if (ok)
                return { name: form.name, prefixLength: form.bytes.length, holder: form.holder, rest: form.rest || 4 };
        }
        return null;
    }
    /**
     * The IAT slots that calls within `window` bytes after `from` reach: `ff 15 disp32` (call [slot]; x64 disp32 is
     * RIP-relative, x86 disp32 an absolute address; a `48` REX prefix before it changes nothing), and `e8 rel32` into an
     * import thunk `ff 25 disp32` (jmp [slot]), which is how MinGW-built drivers call imports. `codeRva` is the RVA of
     * bytes[0]; `readRva` reads a thunk. With `tailJumps`, `ff 25 disp32` and `e9 rel32` count too (tail calls).
     * With `followWrappers`, the driver's own wrappers too: an `e8 rel32` whose target is not an import thunk is read
     * (WRAPPER_BYTES) and the IAT slots it calls or tail-jumps to are returned with the wrapper's RVA. One level only:
     * a wrapper of a wrapper is not followed. A `jmp rel32` (with `tailJumps`) is followed into a wrapper only when it
     * lands on the start of a function of `functionStarts` (x64 .pdata): most `jmp rel32` are branches inside their own
     * function, whose target is no wrapper; into an import thunk it is always followed (the thunk itself is the proof).
     */
    function callTargets(bytes, from, window, codeRva, is64, imageBase, readRva, tailJumps = false, followWrappers = false, functionStarts) {
        const out = [];
        const slotOf = (b, at, rva) => {
            if (is64)
                return rva + 6 + i32(b, at + 2);
            return new Address(0, u32(b, at + 2)).distanceFrom(imageBase);
        };
        const end = Math.min(bytes.length - 5, from + window);
        for (let i = from; i <= end; i++) {
            if (bytes[i] === 0xff && (bytes[i + 1] === 0x15 || (tailJumps && bytes[i + 1] === 0x25)) && i + 6 <= bytes.length) {
                const slot = slotOf(bytes, i, codeRva + i);
                if (slot !== null)
                    out.push({ slot, wrapperRva: null });
            }
            else if ((bytes[i] === 0xe8 || (tailJumps && bytes[i] === 0xe9)) && readRva) {
                // `e9 rel32` with tailJumps: a tail call, into an import thunk or the driver's own wrapper, as `e8` is.
                const calleeRva = codeRva + i + 5 + i32(bytes, i + 1);
                if (calleeRva <= 0)
                    continue;
                const thunk = readRva(calleeRva, 6);
                if (thunk && thunk[0] === 0xff && thunk[1] === 0x25) {
                    const slot = slotOf(thunk, 0, calleeRva);
                    if (slot !== null)
                        out.push({ slot, wrapperRva: null });
                }
                else if (followWrappers && (bytes[i] === 0xe8 || (functionStarts !== undefined && functionStarts.has(calleeRva)))) {
                    // The callee may end its section (or the readable bytes) before WRAPPER_BYTES: take what reads.
                    let body = null;
                    for (let size = WRAPPER_BYTES; size >= 6 && !body; size--)
                        body = readRva(calleeRva, size);
                    if (!body)
                        continue;
                    for (const inner of callTargets(body, 0, body.length, calleeRva, is64, imageBase, readRva, true, false))
                        out.push({ slot: inner.slot, wrapperRva: calleeRva });
                }
            }
        }
        return out;
    }
    /**
     * Searches every module for the tag's bytes, at most workLimit("maxModules") of them (a kernel has a few hundred).
     * `onModule` is told the image bytes covered so far, for progress.
     */
    function findTagOwners(target, tag, onModule) {
        const result = { owners: [], notSearched: [], modulesSearched: 0, bytesSearched: 0 };
        const all = target.modules();
        const modules = all.slice(0, workLimit("maxModules"));
        for (const module of all.slice(modules.length)) {
            result.notSearched.push({ module: module.name, section: "image", start: module.base, size: module.size, reason: "past the first " + modules.length + " modules (maxModules; " + raiseHint("maxModules") + ")" });
        }
        const perImage = workLimit("maxSearchBytesPerImage");
        const total = modules.reduce((n, m) => n + Math.min(m.size, perImage), 0);
        let done = 0;
        // nt's allocator and free addresses, looked up once per command and only when a driver's import names are gone.
        let byValue = null;
        const allocatorAddresses = () => {
            if (!byValue) {
                byValue = new Map();
                for (const name of ALLOCATOR_IMPORTS.concat(FREE_IMPORTS)) {
                    const address = target.symbolAddress("nt", name);
                    if (address && !address.isNull)
                        byValue.set(address.key, name);
                }
            }
            return byValue;
        };
        for (const module of modules) {
            if (onModule)
                onModule(done, total);
            done += Math.min(module.size, perImage);
            try {
                searchModule(target, module, tag, result, allocatorAddresses);
            }
            catch (e) {
                result.notSearched.push({ module: module.name, section: "image", start: module.base, size: module.size, reason: "error: " + String(e) });
            }
        }
        const rank = { high: 0, medium: 1, low: 2 };
        const direct = (o) => o.hits.filter((h) => isAllocation(h) && h.wrapperRva === null).length;
        const code = (o) => o.hits.filter((h) => h.kind === "code").length;
        // High first; among equals, direct allocator calls, then code hits, then any hits.
        result.owners.sort((a, b) => rank[a.confidence] - rank[b.confidence] || direct(b) - direct(a) || code(b) - code(a) || b.hits.length - a.hits.length);
        return result;
    }
    function isImageNotRead(value) {
        return typeof value === "object" && value !== null && value.kind === "imageNotRead";
    }
    /**
     * Reads a module's header page, then the sections `which` chooses as planSectionReads plans them: one read per run
     * of adjacent resident sections, each discardable or PAGE* section on its own (a freed one costs a one-page probe),
     * holes found by halving (TargetMemory.readPartial). Six host calls for a WDK driver: headers, .text, PAGE, .rdata
     * through .pdata, and a one-page probe each of its freed INIT and .reloc.
     */
    function readImageSections(target, module, which) {
        // The header page first: a module whose headers do not read is skipped without walking its pages.
        const headerBytes = target.memory.read(module.base, Math.min(0x1000, module.size), module.name + " headers");
        if (headerBytes instanceof Unreadable)
            return { kind: "imageNotRead", reason: "headers unreadable" };
        const headers = parseHeaders(headerBytes, module.size);
        if (isPeError(headers))
            return { kind: "imageNotRead", reason: headers.reason };
        const size = Math.min(module.size, workLimit("maxSearchBytesPerImage"));
        const sections = headers.sections.filter((s) => s.virtualSize > 0 && s.virtualAddress < size && which(s));
        const pieces = [];
        for (const planned of planSectionReads(sections, size)) {
            const read = target.memory.readPartial(module.base.add(planned.rva), planned.size, { stopAtUnreadableStart: planned.discardable });
            for (const p of read.pieces)
                pieces.push({ rva: p.start.distanceFrom(module.base) || 0, bytes: p.bytes });
        }
        return { headers, sections, pieces, size };
    }
    /** The readable parts of one section, by RVA, and how many of its bytes did not read. */
    function sectionPieces(section, image) {
        const end = Math.min(image.size, section.virtualAddress + section.virtualSize);
        const pieces = [];
        let covered = 0;
        for (const piece of image.pieces) {
            const from = Math.max(section.virtualAddress, piece.rva);
            const to = Math.min(end, piece.rva + piece.bytes.length);
            if (to <= from)
                continue;
            covered += to - from;
            pieces.push({ rva: from, bytes: piece.bytes.subarray(from - piece.rva, to - piece.rva) });
        }
        return { pieces, missing: end - section.virtualAddress - covered };
    }
    function searchModule(target, module, tag, result, allocatorAddresses) {
        const image = readImageSections(target, module, () => true);
        if (isImageNotRead(image)) {
            result.notSearched.push({ module: module.name, section: "image", start: module.base, size: module.size, reason: image.reason });
            return;
        }
        const { headers, sections, pieces, size } = image;
        result.modulesSearched++;
        const perImage = workLimit("maxSearchBytesPerImage");
        if (size < module.size) {
            result.notSearched.push({ module: module.name, section: "image", start: module.base.add(size), size: module.size - size, reason: "beyond the " + sizeText(perImage) + " searched per image (maxSearchBytesPerImage; " + raiseHint("maxSearchBytesPerImage") + ")" });
        }
        if (sections.length === 0)
            return;
        const owner = { module, confidence: "low", hits: [], hitsNotKept: 0, allocationsNotKept: 0, problems: [] };
        let allocatorSlots = null;
        let functionStarts = null;
        // Every hit is classified and counted first; which are kept is decided at the end (keepHits).
        const found = [];
        for (const section of sections) {
            const { pieces: parts, missing } = sectionPieces(section, image);
            for (const part of parts) {
                const from = part.rva;
                const bytes = part.bytes;
                result.bytesSearched += bytes.length;
                let at = indexOfBytes(bytes, tag, 0);
                while (at >= 0) {
                    const rva = from + at;
                    const form = section.isCode ? immediateFormAt(bytes, at, headers.is64) : null;
                    let use = null;
                    if (form) {
                        if (!allocatorSlots) {
                            const found = allocatorIatSlots(target, module, image, allocatorAddresses);
                            allocatorSlots = found.slots;
                            for (const problem of found.problems)
                                owner.problems.push(problem + "; calls to allocators could not be checked");
                            if (found.note)
                                owner.problems.push(found.note);
                        }
                        const readRva = (rva, size) => pieceAt(pieces, rva, size);
                        if (!functionStarts)
                            functionStarts = functionStartsOf(headers, pieces);
                        use = classifyTagUse(bytes, at, form, from, headers.is64, module.base, allocatorSlots, readRva, functionStarts);
                    }
                    found.push({
                        address: module.base.add(rva),
                        rva,
                        section: section.name,
                        kind: form ? "code" : "data",
                        instruction: form ? form.name : null,
                        instructionAddress: module.base.add(form ? rva - form.prefixLength : rva),
                        allocator: use ? use.allocator : null,
                        use: use ? use.use : null,
                        allocatorCalls: use ? use.allocatorCalls : 0,
                        callAddress: use && use.callRva !== null ? module.base.add(use.callRva) : null,
                        moves: use ? use.moves : [],
                        wrapperRva: use ? use.wrapperRva : null,
                    });
                    at = indexOfBytes(bytes, tag, at + 1);
                }
            }
            if (missing > 0) {
                result.notSearched.push({
                    module: module.name,
                    section: section.name,
                    start: module.base.add(section.virtualAddress),
                    size: missing,
                    reason: section.isDiscardable ? "unreadable: discarded or paged out (discardable section)" : "unreadable: paged out or not resident",
                });
            }
        }
        const kept = keepHits(found, MAX_HITS_PER_MODULE, limits.maxAllocationSitesPerModule);
        owner.hits = kept.hits;
        owner.hitsNotKept = kept.notKept;
        owner.allocationsNotKept = kept.allocationsNotKept;
        if (owner.hits.length === 0)
            return;
        owner.confidence = owner.hits.some(isAllocation) ? "high" : owner.hits.some((h) => h.kind === "code") ? "medium" : "low";
        result.owners.push(owner);
    }
    function pieceAt(pieces, rva, size) {
        for (const p of pieces) {
            if (rva >= p.rva && rva + size <= p.rva + p.bytes.length)
                return p.bytes.subarray(rva - p.rva, rva - p.rva + size);
        }
        return null;
    }
    /**
     * RVA of each IAT slot that imports an allocator or a free (FREE_IMPORTS), from the module's import directory. A WDK
     * driver keeps its import descriptors and names in INIT, which the kernel frees after DriverEntry, and its IAT at the
     * start of .rdata: when the names are gone, the slots of the IAT directory are named by value instead (a slot holding
     * nt!ExAllocatePoolWithTag's address imports it), and `note` says so. Bytes inside the image's sections that did not
     * read when the sections were read are not asked again.
     */
    function allocatorIatSlots(target, module, image, allocatorAddresses) {
        const { headers, pieces } = image;
        const slots = new Map();
        const inSections = (rva) => rva < image.size && image.sections.some((s) => rva >= s.virtualAddress && rva < s.virtualAddress + s.virtualSize);
        const read = (rva, size) => {
            if (rva < 0 || size <= 0 || rva + size > module.size)
                return null;
            const cached = pieceAt(pieces, rva, size);
            if (cached)
                return cached;
            // Across pieces (two planned reads, e.g. PAGE then .rdata) the bytes are in hand; a gap inside the sections read
            // is a page that did not read (freed INIT, paged out) and is not asked again.
            const joined = new Uint8Array(size);
            let at = rva;
            while (at < rva + size) {
                const piece = pieces.find((p) => at >= p.rva && at < p.rva + p.bytes.length);
                if (!piece)
                    break;
                const n = Math.min(rva + size, piece.rva + piece.bytes.length) - at;
                joined.set(piece.bytes.subarray(at - piece.rva, at - piece.rva + n), at - rva);
                at += n;
            }
            if (at >= rva + size)
                return joined;
            if (inSections(at))
                return null;
            const bytes = target.memory.read(module.base.add(rva), size, module.name + " imports");
            return bytes instanceof Unreadable ? null : bytes;
        };
        const imports = parseImports(headers, read, module.size);
        for (const entry of imports.entries) {
            if (entry.name && (ALLOCATOR_IMPORTS.indexOf(entry.name) >= 0 || FREE_IMPORTS.indexOf(entry.name) >= 0))
                slots.set(entry.iatRva, entry.name);
        }
        const problems = imports.problems.slice();
        if (imports.entries.some((e) => e.nameUnreadable))
            problems.push("some import names of " + module.fileName + " are unreadable");
        const namesGone = imports.entries.length === 0 || problems.length > 0;
        const iat = namesGone ? directory(headers, DIRECTORY_IAT) : null;
        const iatBytes = iat && iat.rva < module.size ? read(iat.rva, Math.min(iat.size, module.size - iat.rva)) : null;
        if (!iat || !iatBytes)
            return { slots, problems, note: null };
        const ps = headers.is64 ? 8 : 4;
        const known = allocatorAddresses();
        // Without nt's symbols there is nothing to match the values to: the names' problems stand.
        if (known.size === 0)
            return { slots, problems, note: null };
        for (let at = 0; at + ps <= iatBytes.length; at += ps) {
            const name = known.get(pointer(iatBytes, at, ps).key);
            if (name && !slots.has(iat.rva + at))
                slots.set(iat.rva + at, name);
        }
        if (problems.length === 0)
            return { slots, problems, note: null };
        return { slots, problems: [], note: "import names unreadable (INIT discarded or paged out); IAT slots matched by value to nt's allocators and frees" };
    }
    /** IMAGE_DIRECTORY_ENTRY_EXCEPTION: x64 RUNTIME_FUNCTION entries (BeginAddress, EndAddress, UnwindData; 12 bytes). */
    const DIRECTORY_EXCEPTION = 3;
    /** The BeginAddress of each x64 .pdata entry that was read: where the image's (non-leaf) functions start. */
    function functionStartsOf(headers, pieces) {
        const starts = new Set();
        const pdata = headers.is64 ? directory(headers, DIRECTORY_EXCEPTION) : null;
        const bytes = pdata ? pieceAt(pieces, pdata.rva, pdata.size - (pdata.size % 12)) : null;
        if (!bytes)
            return starts;
        for (let at = 0; at + 12 <= bytes.length; at += 12)
            starts.add(u32(bytes, at));
        return starts;
    }
    function isAllocation(hit) {
        return hit.use === "allocation";
    }
    /**
     * The hits kept: every allocation site (up to `maxAllocations`, a bound only a corrupt image reaches), then the other
     * code hits (free sites first) and the data hits up to `maxOthers`, back in address order; the rest is counted.
     */
    function keepHits(hits, maxOthers, maxAllocations) {
        const every = hits.filter(isAllocation);
        const allocations = every.slice(0, maxAllocations);
        const rank = (h) => (h.use === "free" ? 0 : h.kind === "code" ? 1 : 2);
        const others = hits
            .filter((h) => !isAllocation(h))
            .map((h, order) => ({ h, order }))
            .sort((a, b) => rank(a.h) - rank(b.h) || a.order - b.order)
            .slice(0, maxOthers)
            .map((o) => o.h);
        const kept = allocations.concat(others).sort((a, b) => a.rva - b.rva);
        return { hits: kept, notKept: hits.length - kept.length, allocationsNotKept: every.length - allocations.length };
    }
    /**
     * Follows the tag of the instruction `form` matched at `at` (bytes[0] is at `codeRva`) to the calls that take it
     * (tag-flow.ts), and names the imports they reach through `slots` (IAT slot RVA -> import name): directly, through a
     * MinGW thunk, or through the driver's own wrapper (callTargets).
     */
    function classifyTagUse(bytes, at, form, codeRva, is64, imageBase, slots, readRva, functionStarts) {
        const result = { allocator: null, use: null, wrapperRva: null, callRva: null, moves: [], allocatorCalls: 0 };
        const flow = followTag(bytes, at + form.rest, form.holder, is64);
        let free = null;
        for (const call of flow.calls) {
            // A direct call wins over a wrapper: the first target of this call that reaches an allocator is kept.
            for (const target of callTargets(bytes, call.opcodeAt, 0, codeRva, is64, imageBase, readRva, call.jump, true, functionStarts)) {
                const name = slots.get(target.slot);
                if (!name)
                    continue;
                const found = { allocator: name, wrapperRva: target.wrapperRva, callRva: codeRva + call.at, moves: call.moves };
                if (ALLOCATOR_IMPORTS.indexOf(name) >= 0) {
                    if (result.allocatorCalls === 0)
                        Object.assign(result, found, { use: "allocation" });
                    result.allocatorCalls++;
                    break;
                }
                if (!free)
                    free = Object.assign({}, found, { use: "free", allocatorCalls: 0 });
                break;
            }
        }
        return result.allocatorCalls > 0 ? result : free || result;
    }

    // Pool tag usage from the kernel's tracking tables (layouts.md §2.1): nt!PoolTrackTable, the per-processor copies in
    // nt!ExPoolTagTables (wherever the symbol exists: layouts.md says Win8+, but Windows 7 SP1's PDB has it too; [0] is
    // PoolTrackTable, counters are per processor, Keys are copied) and the linear
    // nt!PoolTrackTableExpansion. Usage per tag is the sum over all of them, keyed by tag, as ExGetPoolTagInfo sums.
    // Each table is read whole in one read.
    /** More processor tables than this is a corrupt array: Windows supports at most 2,048 logical processors. */
    const MAX_PROCESSOR_TABLES = 2048;
    function outstanding(allocs, frees) {
        return Math.max(0, allocs - frees);
    }
    function readPoolTracker(target) {
        let layout = resolveLayout(POOL_TRACKER_TABLE, (m, t) => target.type(m, t), target.pointerSize, target.windowsBuild());
        if (isLayoutMissing(layout))
            return { kind: "trackerMissing", reason: layout.reason };
        const tableAt = target.readGlobalPointer("nt", "PoolTrackTable");
        if (tableAt === null)
            return { kind: "trackerMissing", reason: "nt!PoolTrackTable is not in the symbols" };
        if (tableAt instanceof Unreadable)
            return { kind: "trackerMissing", reason: tableAt.describe(target.pointerSize) };
        const sizeValue = readSizeT(target, "PoolTrackTableSize");
        if (sizeValue === null)
            return { kind: "trackerMissing", reason: "nt!PoolTrackTableSize is not in the symbols" };
        if (sizeValue instanceof Unreadable)
            return { kind: "trackerMissing", reason: sizeValue.describe(target.pointerSize) };
        const problems = [];
        let entries = sizeValue.value;
        if (entries === 0) {
            // A live kernel never has an empty tracker (it is sized at boot from the pool size): the global is corrupt.
            return { kind: "trackerMissing", reason: "nt!PoolTrackTableSize is 0 (corrupt: the kernel sizes the table at boot), so nt!PoolTrackTable at " + target.formatAddress(tableAt) + " cannot be read" };
        }
        if (entries > limits.maxPoolTrackEntries) {
            problems.push("nt!PoolTrackTableSize is " + sizeValue.text + " (corrupt); at most the first " + limits.maxPoolTrackEntries +
                " entries were read, and as the table's real end is unknown the sums may include memory past it");
            entries = limits.maxPoolTrackEntries;
        }
        if (layout.guessed)
            layout = choosePlausibleLayout(target, tableAt, entries, layout);
        const totals = new Map();
        const tables = processorTables(target, tableAt, problems);
        let tablesRead = 0;
        for (const table of tables) {
            if (sumTable(target, layout, table, entries, totals, problems))
                tablesRead++;
        }
        let expansionEntries = 0;
        const expansionAt = target.readGlobalPointer("nt", "PoolTrackTableExpansion");
        const expansionSize = readSizeT(target, "PoolTrackTableExpansionSize");
        if (expansionSize instanceof Unreadable) {
            problems.push(expansionSize.describe(target.pointerSize) + "; the expansion table was not summed");
        }
        else if (expansionAt instanceof Address && expansionSize !== null && expansionSize.value > 0) {
            expansionEntries = Math.min(expansionSize.value, limits.maxPoolTrackEntries);
            if (expansionSize.value > expansionEntries)
                problems.push("nt!PoolTrackTableExpansionSize is " + expansionSize.text + "; only " + expansionEntries + " entries were read");
            sumTable(target, layout, expansionAt, expansionEntries, totals, problems);
        }
        else if (expansionAt instanceof Unreadable) {
            problems.push(expansionAt.describe(target.pointerSize));
        }
        const rows = [];
        totals.forEach((row) => rows.push(row));
        return { kind: "tracker", rows, layout, processorTables: tablesRead, expansionEntries, entriesPerTable: entries, problems };
    }
    /** A SIZE_T global as a number and as exact text (2^64-1 rounds as a number); null when the symbol is missing. */
    function readSizeT(target, name) {
        const at = target.symbolAddress("nt", name);
        if (!at)
            return null;
        const bytes = target.memory.read(at, target.pointerSize, "nt!" + name);
        if (bytes instanceof Unreadable)
            return bytes;
        return { value: unsigned(bytes, 0, target.pointerSize), text: exactCount(bytes, 0, target.pointerSize) };
    }
    /**
     * Without the Windows build (nt!NtBuildNumber unreadable) the variant is a guess. The table itself tells: with the
     * right stride every used entry's Key is four printable characters; with a wrong one Keys land on counters. The
     * variant with the most printable Keys in PoolTrackTable wins, and the description says it was chosen so.
     */
    function choosePlausibleLayout(target, tableAt, entries, guess) {
        const variants = POOL_TRACKER_TABLE.variants.filter((v) => v.pointerSize === target.pointerSize).sort((a, b) => b.size - a.size);
        let best = null;
        for (const v of variants) {
            const bytes = target.memory.read(tableAt, entries * v.size, "nt!PoolTrackTable");
            if (bytes instanceof Unreadable)
                return guess;
            let score = 0;
            let used = 0;
            for (let i = 0; i < entries; i++) {
                const key = u32(bytes, i * v.size + v.offsets.Key);
                if (key === 0)
                    continue;
                used++;
                score += isPrintableKey(key) ? 1 : -1;
            }
            if (!best || score > best.score) {
                const printable = (used + score) / 2;
                best = {
                    score,
                    layout: builtInLayout(POOL_TRACKER_TABLE, v, notInSymbols(POOL_TRACKER_TABLE) + " and the Windows build is unknown (nt!NtBuildNumber missing or unreadable); using the built-in layout for " +
                        v.label + ", inferred from the table: with its 0x" + v.size.toString(16) + "-byte entries " + printable + " of " + used + " used entries hold a printable tag", true),
                };
            }
        }
        return best ? best.layout : guess;
    }
    function isPrintableKey(key) {
        for (let i = 0; i < 4; i++) {
            const c = (key >>> (i * 8)) & 0xff;
            if (c < 0x20 || c > 0x7e)
                return false;
        }
        return true;
    }
    /**
     * PoolTrackTable and the per-processor tables. nt!KeNumberProcessors (a ULONG) gives the count when present;
     * otherwise the array ends at its first null pointer, within MAX_PROCESSOR_TABLES.
     */
    function processorTables(target, first, problems) {
        const out = [first];
        const seen = new Set([first.key]);
        const arrayAt = target.symbolAddress("nt", "ExPoolTagTables");
        if (!arrayAt) {
            // No symbol: one table. Its presence, not the build, decides (Windows 7 SP1 x64 has it); from Windows 8 on every
            // kernel has per-processor tables (layouts.md §2.1), so there a missing symbol means missing figures: said.
            const build = target.windowsBuild();
            if (build !== null && build >= 9200) {
                problems.push("nt!ExPoolTagTables is not in the symbols, so only nt!PoolTrackTable was read and the other processors' tables are left out (.reload /f nt)");
            }
            return out;
        }
        let count = MAX_PROCESSOR_TABLES;
        let counted = false;
        const ncpuAt = target.symbolAddress("nt", "KeNumberProcessors");
        if (ncpuAt) {
            const bytes = target.memory.read(ncpuAt, 4, "nt!KeNumberProcessors");
            if (!(bytes instanceof Unreadable)) {
                const n = u32(bytes, 0);
                if (n >= 1 && n <= MAX_PROCESSOR_TABLES) {
                    count = n;
                    counted = true;
                }
                else
                    problems.push("nt!KeNumberProcessors is " + n + "; the table list was read up to its first null entry");
            }
        }
        const ps = target.pointerSize;
        let bytes = target.memory.read(arrayAt, count * ps, "nt!ExPoolTagTables");
        if (bytes instanceof Unreadable) {
            // The array may end before MAX_PROCESSOR_TABLES on an unreadable page: keep what reads.
            const partial = target.memory.readPartial(arrayAt, count * ps);
            const head = partial.pieces.length && partial.pieces[0].start.equals(arrayAt) ? partial.pieces[0].bytes : null;
            if (!head) {
                problems.push("nt!ExPoolTagTables at " + target.formatAddress(arrayAt) + " is unreadable; only nt!PoolTrackTable was summed");
                return out;
            }
            if (counted)
                problems.push("nt!ExPoolTagTables is readable for " + Math.floor(head.length / ps) + " of " + count + " processors");
            bytes = head;
        }
        for (let i = 0; i + ps <= bytes.length; i += ps) {
            const table = pointer(bytes, i, ps);
            if (table.isNull) {
                if (counted)
                    continue;
                break;
            }
            if (seen.has(table.key))
                continue; // [0] is PoolTrackTable itself.
            seen.add(table.key);
            out.push(table);
        }
        return out;
    }
    function sumTable(target, layout, at, entries, totals, problems) {
        const stride = layout.size;
        const table = readTableEntries(target, at, entries, stride, "_POOL_TRACKER_TABLE[" + entries + "]", "the tag table");
        const bytes = table.bytes;
        if (table.problem)
            problems.push(table.problem + (table.entries === 0 ? "; it was not summed" : "; those were summed"));
        if (table.entries === 0)
            return false;
        entries = table.entries;
        const o = layout.offsets;
        const s = layout.sizes;
        // Per-processor counters wrap: a block allocated on one processor and freed on another leaves one table's count
        // "negative". Each field is read as signed and the sum taken modulo its width, as ExGetPoolTagInfo's sum wraps.
        const width = (name) => s[name] || (name.indexOf("Bytes") >= 0 ? target.pointerSize : 4);
        const field = (base, name) => signedValue(bytes, base + o[name], width(name));
        for (let i = 0; i < entries; i++) {
            const base = i * stride;
            const key = u32(bytes, base + o.Key);
            if (key === 0)
                continue;
            let row = totals.get(key);
            if (!row) {
                row = { tag: tagFromKey(key), key, nonPagedAllocs: 0, nonPagedFrees: 0, nonPagedBytes: 0, pagedAllocs: 0, pagedFrees: 0, pagedBytes: 0 };
                totals.set(key, row);
            }
            row.nonPagedAllocs += field(base, "NonPagedAllocs");
            row.nonPagedFrees += field(base, "NonPagedFrees");
            row.nonPagedBytes += field(base, "NonPagedBytes");
            row.pagedAllocs += field(base, "PagedAllocs");
            row.pagedFrees += field(base, "PagedFrees");
            row.pagedBytes += field(base, "PagedBytes");
        }
        totals.forEach((row) => {
            row.nonPagedAllocs = wrap(row.nonPagedAllocs, width("NonPagedAllocs"));
            row.nonPagedFrees = wrap(row.nonPagedFrees, width("NonPagedFrees"));
            row.nonPagedBytes = wrap(row.nonPagedBytes, width("NonPagedBytes"));
            row.pagedAllocs = wrap(row.pagedAllocs, width("PagedAllocs"));
            row.pagedFrees = wrap(row.pagedFrees, width("PagedFrees"));
            row.pagedBytes = wrap(row.pagedBytes, width("PagedBytes"));
        });
        return true;
    }
    /** A 4- or 8-byte two's-complement field as a number (exact below 2^53 in magnitude). */
    function signedValue(bytes, offset, size) {
        if (size === 4)
            return i32(bytes, offset);
        if (size !== 8)
            return unsigned(bytes, offset, size);
        const hi = i32(bytes, offset + 4);
        return hi * 0x100000000 + u32(bytes, offset);
    }
    /** A 32-bit counter's running sum back into 0..2^32; wider sums stay as they are (a negative one is corrupt). */
    function wrap(value, size) {
        if (size !== 4)
            return value;
        const m = value % 0x100000000;
        return m < 0 ? m + 0x100000000 : m;
    }

    const COLUMN_WORDS = "Allocs|Frees|Diff|Used";
    // `Tag` then column names. No word boundary before `Tag`: in text whose line breaks were lost it follows `Paged`.
    const HEADER$1 = new RegExp("Tag((?:[ \\t]+(?:" + COLUMN_WORDS + "))+)");
    const LAYOUTS = [
        {
            columns: ["Allocs", "Used", "Allocs", "Used"],
            layout: { id: "summary", columns: "Tag Allocs Used Allocs Used", meaning: "outstanding allocations and bytes per pool, no frees" },
        },
        {
            columns: ["Allocs", "Frees", "Diff", "Used", "Allocs", "Frees", "Diff", "Used"],
            layout: { id: "verbose", columns: "Tag Allocs Frees Diff Used Allocs Frees Diff Used", meaning: "allocations, frees, outstanding allocations (Diff) and bytes per pool" },
        },
    ];
    /** Unparsed lines kept as examples; the count is what matters past that. */
    const MAX_UNPARSED_KEPT = 20;
    const MAX_GLUED_ROWS = 1000000;
    function parsePoolused(lines) {
        const clean = lines.map((l) => l.replace(/\r$/, ""));
        const result = { rows: [], layout: null, header: null, sortedBy: sortedByOf(clean.join("\n")), glued: false, unparsed: [], problem: null };
        const headerAt = clean.findIndex((l) => HEADER$1.test(l));
        if (headerAt < 0) {
            result.problem = "no column header (`Tag Allocs ...`) in the output";
            return result;
        }
        const headerLine = clean[headerAt];
        const m = HEADER$1.exec(headerLine);
        const columns = m[1].trim().split(/\s+/);
        const known = LAYOUTS.filter((l) => l.columns.join(" ") === columns.join(" "))[0];
        // The header alone on its line is the normal case; text glued after it (rows on the same line) means the line
        // breaks were lost, and the header line shown is only the header.
        const rest = headerLine.slice(m.index + m[0].length);
        result.glued = rest.trim().length > 0 && /\d/.test(rest);
        result.header = result.glued ? ("Tag" + m[1]).trim() : headerLine.replace(/\s+$/, "");
        if (!known) {
            result.problem = "layout not recognised: the header is `" + result.header.trim() + "`";
            return result;
        }
        result.layout = known.layout;
        const numbers = known.columns.length;
        if (result.glued) {
            result.rows = parseGlued([rest].concat(clean.slice(headerAt + 1)).join(" "), known.layout, numbers);
        }
        else {
            // Where the last column's name ends: right-aligned numbers end there, and an old debugger's description starts.
            const numbersEnd = m.index + m[0].length;
            for (const line of clean.slice(headerAt + 1)) {
                if (!line.trim() || /^\s*\.\.\.\s*$/.test(line) || /^\s*TOTAL\b/.test(line))
                    continue;
                const row = parseRow(line, numbersEnd, known.layout, numbers);
                if (row)
                    result.rows.push(row);
                else if (result.unparsed.length < MAX_UNPARSED_KEPT)
                    result.unparsed.push(line);
            }
        }
        return result;
    }
    function sortedByOf(text) {
        const m = /Sorting by\s+(?:Session\s+)?(Tag|NonPaged Pool Consumed|Paged Pool Consumed)/.exec(text);
        return m ? m[1] : null;
    }
    /**
     * One row: the tag, the layout's numbers, the description. The description follows a tab (current debuggers) or
     * starts right after the last number's column, glued to it (`0UNKNOWN pooltag`, `01394 OHCI ...`).
     */
    function parseRow(line, numbersEnd, layout, count) {
        const pattern = new RegExp("^\\s?(\\S.{0,3}?)" + "\\s+(\\d+)".repeat(count) + "\\s*$");
        const tab = line.indexOf("\t");
        // Where the numbers end: at the tab; else at the header's last column, or one or two columns before it when the
        // row is printed shorter (Microsoft's page has ` rx..       3     1248         0        0UNKNOWN`, one column
        // short) and the character there is not a digit, so that no number is cut.
        const ends = tab >= 0 ? [tab] : [numbersEnd, numbersEnd - 1, numbersEnd - 2].filter((end, i) => i === 0 || !/\d/.test(line.charAt(end)));
        for (const end of ends) {
            const m = pattern.exec(line.slice(0, end));
            if (!m)
                continue;
            const description = line.slice(tab >= 0 ? tab + 1 : end).trim();
            return row(m[1], m.slice(2, 2 + count).map((n) => parseInt(n, 10)), layout, description);
        }
        return null;
    }
    function parseGlued(text, layout, count) {
        const re = new RegExp("(\\S{4}|\\S{1,3}(?= ))" + "\\s+(\\d+)".repeat(count), "g");
        const found = [];
        let m;
        while ((m = re.exec(text)) !== null) {
            found.push({ index: m.index, end: re.lastIndex, m });
            if (found.length > MAX_GLUED_ROWS)
                break;
        }
        return found
            .filter((f) => f.m[1] !== "TOTAL" && f.m[1] !== "OTAL")
            .map((f, i, all) => {
            const next = i + 1 < all.length ? all[i + 1].index : text.length;
            return row(f.m[1], f.m.slice(2, 2 + count).map((n) => parseInt(n, 10)), layout, text.slice(f.end, next).replace(/\s*TOTAL\b.*$/, "").trim());
        });
    }
    function row(tag, n, layout, description) {
        const padded = (tag + "    ").slice(0, 4);
        if (layout.id === "verbose") {
            // Allocs Frees Diff Used, nonpaged then paged.
            return {
                usage: { tag: padded, key: 0, nonPagedAllocs: n[2], nonPagedFrees: 0, nonPagedBytes: n[3], pagedAllocs: n[6], pagedFrees: 0, pagedBytes: n[7] },
                description,
                cumulative: { nonPagedAllocs: n[0], nonPagedFrees: n[1], pagedAllocs: n[4], pagedFrees: n[5] },
            };
        }
        return {
            usage: { tag: padded, key: 0, nonPagedAllocs: n[0], nonPagedFrees: 0, nonPagedBytes: n[1], pagedAllocs: n[2], pagedFrees: 0, pagedBytes: n[3] },
            description,
            cumulative: null,
        };
    }

    // pooltag.txt, the debugger's tag descriptions. The shipped file (test/fixtures/pool/pooltag-real-excerpt.txt) has
    // `//` and `rem` comment lines, then `Tag - binary - description` lines (`AcpA - acpi.sys     - ACPI arbiter data`),
    // some with no binary (`ATmp - AppTag mount point`), sub-entries whose description is indented
    // (`AfdA - afd.sys      -     Afd EA buffer`), and group entries whose tag is a `?`/`*` pattern (`Afd?`, `Aml*`)
    // that describe every tag of the group without a line of its own. Short tags are padded with spaces.
    /** Exact tags first; a tag without a line of its own takes the last group pattern that matches it. */
    class TagDescriptions {
        constructor() {
            this.exact = new Map();
            this.patterns = [];
        }
        set(tag, description) {
            const pattern = /[?*]/.test(tag) ? parseTagPattern(tag.replace(/ +$/, "")) : null;
            if (pattern)
                this.patterns.push({ pattern, description });
            else
                this.exact.set((tag + "    ").slice(0, 4), description);
        }
        get(tag) {
            const d = this.exact.get(tag);
            if (d)
                return d;
            // Later lines win, as for exact tags: the user's file is parsed after the debugger's.
            for (let i = this.patterns.length - 1; i >= 0; i--)
                if (this.patterns[i].pattern.matches(tag))
                    return this.patterns[i].description;
            return undefined;
        }
        /** Every line taken, exact tags then patterns (`Afd?`), each under its tag as written. */
        entries() {
            const out = [];
            this.exact.forEach((description, tag) => out.push({ tag, description }));
            for (const p of this.patterns)
                out.push({ tag: p.pattern.text, description: p.description });
            return out;
        }
        get size() {
            return this.exact.size + this.patterns.length;
        }
    }
    /** Lines parsed at most from one file (the shipped file has about 4,000). */
    const MAX_POOLTAG_LINES = 100000;
    const COMMENT = /^\s*(\/\/|rem(\s|$)|$)/i;
    /** The tag is the 1-4 characters before the first ` - ` (a tag may hold a `-` itself: `-` then a space ends it). */
    const TAG_AND_REST = /^(.{1,4}?)\s*-\s+(.*)$/;
    /** `binary - description`, where the binary is one word (`acpi.sys`, `nt!cc`, `<unknown>`). */
    const BINARY_AND_DESCRIPTION = /^(\S+)\s+-\s+(.*)$/;
    function parsePoolTagFile(lines, into = new TagDescriptions()) {
        const count = Math.min(lines.length, MAX_POOLTAG_LINES);
        for (let i = 0; i < count; i++) {
            const line = lines[i].replace(/\r$/, "");
            if (COMMENT.test(line))
                continue;
            const m = TAG_AND_REST.exec(line);
            if (!m)
                continue;
            const rest = m[2].trim();
            const b = BINARY_AND_DESCRIPTION.exec(rest);
            into.set(m[1], b ? { binary: b[1], description: b[2].trim() } : { binary: "", description: rest });
        }
        return into;
    }
    /**
     * Fixed places tried after those `.chain` names (debuggerPoolTagPaths): the triage folder of the Windows Kits
     * debuggers, 64- and 32-bit, and a hand-copied debugger folder. The WinDbg app is not here: it installs under a
     * folder named after its version (`...\WindowsApps\Microsoft.WinDbg_1.2306.14001.0_x64__8wekyb3d8bbwe\amd64`,
     * test/fixtures/chain), so only `.chain` can say where it is.
     */
    const TRIAGE_POOLTAG_PATHS = [
        "C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x64\\triage\\pooltag.txt",
        "C:\\Program Files\\Windows Kits\\10\\Debuggers\\x64\\triage\\pooltag.txt",
        "C:\\Program Files (x86)\\Windows Kits\\10\\Debuggers\\x86\\triage\\pooltag.txt",
        "C:\\Debuggers\\triage\\pooltag.txt",
    ];
    /** Folders of a debugger install that hold extension DLLs; the install folder (with `triage\`) is above them. */
    const EXTENSION_FOLDERS = /\\(winext\\arcade|winext|winxp|pri)$/i;
    const CHAIN_PATH = /^\s*\[path: (.+\\)[^\\\]]+\]\s*$/;
    const MAX_CHAIN_CANDIDATES = 8;
    /**
     * Where pooltag.txt is, from the output of `.chain` (test/fixtures/chain): the folder of each loaded extension DLL
     * (`[path: ...\amd64\WINXP\exts.dll]`), then each extension folder of the search path, taken up to the debugger's
     * install folder, plus `triage\pooltag.txt`. In the order the debugger lists them, each once.
     */
    function poolTagPathsFromChain(lines) {
        const folders = [];
        const add = (folder) => {
            const install = folder.replace(/\\+$/, "").replace(EXTENSION_FOLDERS, "");
            if (!/^[A-Za-z]:\\/.test(install) || /[\x00-\x1f"*?<>|]/.test(install))
                return;
            if (folders.some((f) => f.toLowerCase() === install.toLowerCase()))
                return;
            if (folders.length < MAX_CHAIN_CANDIDATES)
                folders.push(install);
        };
        const searchPaths = [];
        for (let i = 0; i < lines.length; i++) {
            const m = CHAIN_PATH.exec(lines[i]);
            if (m)
                add(m[1]);
            else if (/^Extension DLL search Path:\s*$/.test(lines[i]) && i + 1 < lines.length)
                searchPaths.push(lines[i + 1]);
        }
        for (const line of searchPaths) {
            for (const entry of line.trim().split(";"))
                if (EXTENSION_FOLDERS.test(entry.replace(/\\+$/, "")))
                    add(entry);
        }
        return folders.map((f) => f + "\\triage\\pooltag.txt");
    }
    /** A description as one short cell: "ACPI arbiter data (acpi.sys)". */
    function describeTag(descriptions, tag) {
        const d = descriptions.get(tag);
        if (!d)
            return "";
        return d.binary && d.binary !== "<unknown>" ? d.description + " (" + d.binary + ")" : d.description;
    }

    const sessionState = {
        userPoolTagFile: null,
        snapshots: [],
    };

    // The header line the debugger prints before disassembly, `u <address> L1`:
    //   test!DriverEntry+0x33 [e:\driver\test\test.c @ 20]:
    // (real output, seed article 002). Without line information the bracket is absent; without any symbol the header
    // line is absent and the first line is the instruction itself.
    // The symbol part may hold spaces and backticks (`ntdll! ?? ::FNODOBFM::\`string'+0x153eb`, seed 001); an instruction
    // line never matches because it starts with an address, whose backtick is not a module-name character.
    const HEADER = /^([A-Za-z0-9_.$?@<>~\-]+!.*?)(?: \[(.+) @ (\d+)\])?:\s*$/;
    function parseDisassemblyHeader(lines) {
        for (const raw of lines) {
            const line = raw.replace(/\r$/, "");
            if (!line.trim())
                continue;
            const m = HEADER.exec(line);
            if (!m)
                break;
            return { symbol: m[1], file: m[2] || null, line: m[3] ? parseInt(m[3], 10) : null };
        }
        return { symbol: null, file: null, line: null };
    }
    /** `e:\driver\test\test.c:20`, the form editors and build logs use. */
    function formatSource(s) {
        return s.file && s.line !== null ? s.file + ":" + s.line : null;
    }
    /**
     * `myfault+0x1559`: how WinDbg names an address inside a module it has no symbol for (`ln`, `k`, `u` headers);
     * null outside every module. Used where the debugger gives no symbol, instead of "(no symbol)".
     */
    function moduleOffsetName(address, modules) {
        for (const m of modules) {
            if (!address.isWithin(m.base, m.size))
                continue;
            const offset = address.distanceFrom(m.base);
            if (offset === null)
                continue;
            return m.name + "+0x" + offset.toString(16);
        }
        return null;
    }

    // Conversions between host values and Address. 64-bit values arrive as host.Int64, values of 32 bits or fewer as
    // numbers (jsprovider-api.md §2.1); both forms are accepted everywhere.
    function isInt64(value) {
        return (typeof value === "object" &&
            value !== null &&
            typeof value.getLowPart === "function" &&
            typeof value.getHighPart === "function");
    }
    function addressFromHost(value) {
        if (typeof value === "number") {
            if (value >= 0 && value <= Number.MAX_SAFE_INTEGER && Math.floor(value) === value)
                return Address.fromNumber(value);
            if (value < 0 && value >= -2147483648)
                return new Address(0, value >>> 0);
            return null;
        }
        if (isInt64(value))
            return new Address(value.getHighPart() >>> 0, value.getLowPart() >>> 0);
        return null;
    }
    /** A size or offset from a type object: a number, or an Int64 (the reference types `size` as 64-bit). */
    function numberFromHost(value) {
        if (typeof value === "number")
            return value;
        if (isInt64(value)) {
            const a = addressFromHost(value);
            return a && a.isSafeNumber ? a.toNumber() : null;
        }
        return null;
    }
    function addressToHost(address) {
        // Int64(low, high) packs two 32-bit halves (§2.1); a JS number literal above 2^53 would be rounded first.
        return new host.Int64(address.lo, address.hi);
    }

    // Target memory: batched reads with a cache that lives for one command. A failed read comes back as an
    // Unreadable value. Reads are exact ranges, not whole pages: a walk that touches 0x40 bytes in each of 5,000
    // scattered blocks must not pay 4 KB each.
    class TargetMemory {
        constructor(pointerSize) {
            this.pointerSize = pointerSize;
            this.segments = new Map();
            this.badPages = new Set();
            this.stats = { readCalls: 0, bytesRead: 0, failedReads: 0 };
        }
        /** Reads `size` bytes; the result is cached for the rest of the command unless `cache` is false. */
        read(address, size, what, cache = true) {
            if (!(size > 0) || size > limits.maxImageBytes)
                return new Unreadable(address, size, what + " (size out of range)");
            const hit = this.lookup(address, size);
            if (hit)
                return hit;
            if (this.knownBad(address, size))
                return new Unreadable(this.firstBadPage(address, size) || address, size, what);
            const chunks = [];
            let cursor = address;
            let remaining = size;
            while (remaining > 0) {
                const n = Math.min(remaining, limits.maxReadBytes);
                const bytes = this.hostRead(cursor, n);
                if (!bytes) {
                    this.markBad(cursor, n);
                    return new Unreadable(cursor, size - (size - remaining), what);
                }
                chunks.push(bytes);
                cursor = cursor.add(n);
                remaining -= n;
            }
            const bytes = chunks.length === 1 ? chunks[0] : concat(chunks, size);
            if (cache)
                this.store(address, bytes);
            return bytes;
        }
        /**
         * Reads a range that may have holes (a driver image with paged-out or discarded pages), never cached: one large
         * read when it all reads. Around a hole no byte is asked for twice beyond what the link forces. A failed read is
         * not free over KDNET: the target copies the bytes before the hole and the provider then throws them away (or, as
         * a partial ReadBytes may, hands them back: they are kept, and nothing is read again). What was lost is read once
         * more, in one read when the provider's error names where the hole starts, else page by page up to the hole (each
         * page either reads or fails at its start, which copies nothing); the page at the hole is probed on its own, and
         * what follows it is read as a new range. Halving the failed range instead re-read the bytes before the hole at
         * every level. Pages known to be unreadable are not asked again. With `stopAtUnreadableStart` the first page is
         * read on its own, and when it does not read the whole range is taken as gone without another read: the kernel
         * frees a driver's discardable sections (INIT, .reloc) whole once it is initialised, so a probe of one page is all
         * a freed section should cost.
         */
        readPartial(address, size, options = {}) {
            const result = { pieces: [], unreadable: [] };
            if (options.stopAtUnreadableStart && size > 0) {
                const firstPage = Math.min(size, PAGE_SIZE - (address.lo % PAGE_SIZE));
                if (!this.readSpan(address, firstPage, result))
                    return { pieces: [], unreadable: [{ start: address, size }] };
                address = address.add(firstPage);
                size -= firstPage;
            }
            this.readSpans(address, size, result);
            result.pieces = coalesce(result.pieces);
            return result;
        }
        /** [address, address+size) in reads of at most maxReadBytes, each with its holes found as readSpan does. */
        readSpans(address, size, result) {
            let cursor = address;
            let remaining = size;
            while (remaining > 0) {
                const n = Math.min(remaining, limits.maxReadBytes);
                this.readSpan(cursor, n, result);
                cursor = cursor.add(n);
                remaining -= n;
            }
        }
        /** Reads one span, finding its holes without reading a byte twice; true when all of it read. */
        readSpan(start, size, result) {
            const bad = this.firstBadPage(start, size);
            if (bad) {
                // Around a page already known to be unreadable, without asking again.
                const before = bad.distanceFrom(start) || 0;
                const pageEnd = Math.min(size, before + PAGE_SIZE - (bad.lo % PAGE_SIZE));
                if (before > 0)
                    this.readSpan(start, before, result);
                addUnreadable(result, bad, pageEnd - before);
                if (pageEnd < size)
                    this.readSpan(start.add(pageEnd), size - pageEnd, result);
                return false;
            }
            const read = this.hostReadPartial(start, size);
            if (read.bytes.length === size) {
                appendPiece(result, start, read.bytes);
                return true;
            }
            const inFirstPage = PAGE_SIZE - (start.lo % PAGE_SIZE);
            if (size <= inFirstPage) {
                // One page or less: a read that fails copied nothing before its hole worth finding within a page.
                if (read.bytes.length > 0)
                    appendPiece(result, start, read.bytes);
                const at = read.bytes.length;
                if (at === 0)
                    this.markBad(start, size);
                addUnreadable(result, start.add(at), size - at);
                return false;
            }
            let holeAt = null;
            if (read.bytes.length > 0) {
                // The provider handed back what it read before the hole: keep it, the hole starts right after.
                appendPiece(result, start, read.bytes);
                holeAt = read.bytes.length;
            }
            else if (read.failedAt !== null) {
                // The error names an address inside the span at a page boundary: the hole's start (KDNET copies up to the first
                // page it cannot read; the text is observed, not documented, so any other address is not taken as a hint).
                const at = read.failedAt.distanceFrom(start);
                if (at !== null && at > 0 && at < size && (at - inFirstPage) % PAGE_SIZE === 0) {
                    // The bytes before it travelled and were dropped: read them once more, in one read.
                    if (!this.readSpan(start, at, result))
                        return this.readRest(start, at, size, result);
                    holeAt = at;
                }
            }
            if (holeAt === null)
                return this.readPageByPage(start, size, result);
            // Probe the page at the hole on its own (copies nothing when it is unreadable), then read on past it.
            const pageEnd = Math.min(size, holeAt + PAGE_SIZE - (start.add(holeAt).lo % PAGE_SIZE));
            this.readSpan(start.add(holeAt), pageEnd - holeAt, result);
            return this.readRest(start, pageEnd, size, result);
        }
        readRest(start, from, size, result) {
            if (from < size)
                this.readSpan(start.add(from), size - from, result);
            return false;
        }
        /**
         * A span that failed without saying where: its pages one read each up to the first that fails (a page either
         * reads or fails at its start, so nothing before the hole is copied twice), then the rest as a new span.
         */
        readPageByPage(start, size, result) {
            let at = 0;
            while (at < size) {
                const n = Math.min(size - at, PAGE_SIZE - (start.add(at).lo % PAGE_SIZE));
                const ok = this.readSpan(start.add(at), n, result);
                at += n;
                if (!ok)
                    break;
            }
            return this.readRest(start, at, size, result);
        }
        readPointer(address, what) {
            const bytes = this.read(address, this.pointerSize, what);
            if (bytes instanceof Unreadable)
                return bytes;
            return this.pointerSize === 8
                ? new Address(word(bytes, 4), word(bytes, 0))
                : new Address(0, word(bytes, 0));
        }
        hostRead(address, size) {
            const read = this.hostReadPartial(address, size);
            return read.bytes.length === size ? read.bytes : null;
        }
        /**
         * One host read. A short result (IDebugHostMemory::ReadBytes returns S_FALSE with fewer bytes) is what was read
         * before the hole; a thrown error may name where the read failed (`Unable to read target memory at '0x...'`).
         */
        hostReadPartial(address, size) {
            this.stats.readCalls++;
            try {
                const values = host.memory.readMemoryValues(addressToHost(address), size, 1);
                const n = values ? Math.min(size, values.length >>> 0) : 0;
                this.stats.bytesRead += n;
                if (n !== size)
                    this.stats.failedReads++;
                // Copy into this realm's Uint8Array: the provider's typed array may come from another realm.
                return { bytes: n === size ? new Uint8Array(values) : new Uint8Array(Array.prototype.slice.call(values || [], 0, n)), failedAt: null };
            }
            catch (e) {
                this.stats.failedReads++;
                const m = /at '(0x[0-9a-fA-F`]{1,20})'/.exec(e && typeof e === "object" && "message" in e ? String(e.message) : "");
                return { bytes: new Uint8Array(0), failedAt: m ? Address.parse(m[1]) : null };
            }
        }
        lookup(address, size) {
            const list = this.segments.get(address.alignDown(PAGE_SIZE).key);
            if (!list)
                return null;
            for (const seg of list) {
                const offset = address.distanceFrom(seg.start);
                if (offset !== null && offset + size <= seg.bytes.length)
                    return seg.bytes.subarray(offset, offset + size);
            }
            return null;
        }
        store(address, bytes) {
            const segment = { start: address, bytes };
            let page = address.alignDown(PAGE_SIZE);
            const end = address.add(bytes.length);
            while (page.compare(end) < 0) {
                const list = this.segments.get(page.key);
                if (list)
                    list.push(segment);
                else
                    this.segments.set(page.key, [segment]);
                page = page.add(PAGE_SIZE);
            }
        }
        markBad(address, size) {
            // Only a single-page failure pins the page as bad; a larger failed read may still hold readable pages.
            if (address.lo % PAGE_SIZE + size <= PAGE_SIZE)
                this.badPages.add(address.alignDown(PAGE_SIZE).key);
        }
        knownBad(address, size) {
            return this.firstBadPage(address, size) !== null;
        }
        firstBadPage(address, size) {
            if (this.badPages.size === 0)
                return null;
            let page = address.alignDown(PAGE_SIZE);
            const end = address.add(size);
            while (page.compare(end) < 0) {
                if (this.badPages.has(page.key))
                    return page.compare(address) < 0 ? address : page;
                page = page.add(PAGE_SIZE);
            }
            return null;
        }
    }
    function word(bytes, offset) {
        return (bytes[offset] | (bytes[offset + 1] << 8) | (bytes[offset + 2] << 16) | (bytes[offset + 3] << 24)) >>> 0;
    }
    function concat(chunks, size) {
        const out = new Uint8Array(size);
        let offset = 0;
        for (const c of chunks) {
            out.set(c, offset);
            offset += c.length;
        }
        return out;
    }
    function appendPiece(result, start, bytes) {
        result.pieces.push({ start, bytes });
    }
    /** Notes an unreadable range, joined to the previous one when they touch. Halving finds holes in address order. */
    function addUnreadable(result, start, size) {
        const last = result.unreadable[result.unreadable.length - 1];
        if (last && last.start.add(last.size).equals(start))
            last.size += size;
        else
            result.unreadable.push({ start, size });
    }
    /** Joins adjacent pieces, one copy per run. */
    function coalesce(pieces) {
        const out = [];
        let run = [];
        const flush = () => {
            if (run.length === 0)
                return;
            const size = run.reduce((n, p) => n + p.bytes.length, 0);
            out.push({ start: run[0].start, bytes: run.length === 1 ? run[0].bytes : concat(run.map((p) => p.bytes), size) });
            run = [];
        };
        for (const piece of pieces) {
            const last = run[run.length - 1];
            if (last && !last.start.add(last.bytes.length).equals(piece.start))
                flush();
            run.push(piece);
        }
        flush();
        return out;
    }

    // The one door to the debugger. Everything the toolkit learns about the target comes through a Target, which lives
    // for one command: its memory cache and its symbol answers are dropped when the command returns.
    class Target {
        constructor() {
            this.calls = { symbolLookups: 0, typeLookups: 0, commands: 0 };
            this.symbolCache = new Map();
            this.typeCache = new Map();
            this.moduleCache = null;
            this.rawModuleCache = null;
            this.symbolizeCache = new Map();
            /**
             * The Windows build number: `nt!NtBuildNumber` in a kernel session, the PEB's OSBuildNumber in user mode.
             * Null when neither can be read; layouts then fall back to the newest variant and say so.
             */
            /** Target facts the host layer could not read, told to the user once at the end of the command (runner.ts). */
            this.problems = [];
            const attributes = host.currentSession.Attributes;
            this.isKernel = !!attributes.Target.IsKernelTarget;
            const dump = dumpFileName(attributes.Target);
            this.dumpKnown = dump !== undefined;
            this.isDump = !!dump;
            this.dumpName = dump ? dump.slice(0, limits.maxTargetString) : null;
            // In a kernel session Machine.PointerSize follows the current thread's effective machine (4 when a WoW64
            // thread broke in, .effmach docs), so the kernel's own address says how wide kernel pointers are.
            const kernelWidth = this.isKernel ? this.kernelPointerSize() : null;
            this.pointerSize = kernelWidth || machinePointerSize(attributes.Machine);
            this.memory = new TargetMemory(this.pointerSize);
        }
        /**
         * The dump file the debugger opened (`Attributes.Target.Details.DumpFileName`), or null: on a live target, and
         * whenever the property is absent or throws (read once, in the constructor's guard).
         */
        dumpFileName() {
            return this.dumpName;
        }
        /**
         * 8 when nt!NtBuildNumber (looked up anyway for the build, and cached) or, without symbols, the kernel image
         * found by name in the module list lies above 4 GB, 4 when below: a 64-bit kernel always lives in the upper half
         * of the address space. Null when neither is known; the caller then takes the session's Machine.PointerSize.
         */
        kernelPointerSize() {
            let at = this.symbolAddress("nt", "NtBuildNumber");
            if (!at) {
                const nt = findKernelImage(this.rawModules());
                at = nt ? nt.base : null;
            }
            if (!at)
                return null;
            return at.hi !== 0 ? 8 : 4;
        }
        formatAddress(address) {
            return address.format(this.pointerSize);
        }
        /** The address of `module!name`, or null when the symbol is missing (null or a throw, §2 of the reference). */
        symbolAddress(module, name) {
            const key = module + "!" + name;
            if (this.symbolCache.has(key))
                return this.symbolCache.get(key);
            this.calls.symbolLookups++;
            let address = null;
            try {
                const value = host.getModuleSymbolAddress(module, name);
                address = value === null || value === undefined ? null : addressFromHost(value);
                if (address && address.isNull)
                    address = null;
            }
            catch (e) {
                address = null;
            }
            this.symbolCache.set(key, address);
            return address;
        }
        /** The value of a pointer-sized global such as `nt!PoolTrackTable`; null when missing, Unreadable when unreadable. */
        readGlobalPointer(module, name) {
            const at = this.symbolAddress(module, name);
            if (!at)
                return null;
            return this.memory.readPointer(at, module + "!" + name);
        }
        /** A structure's size and field offsets from the symbols, or null when the type is not there. */
        type(module, typeName) {
            const key = module + "!" + typeName;
            if (this.typeCache.has(key))
                return this.typeCache.get(key);
            this.calls.typeLookups++;
            let info = null;
            try {
                const type = host.getModuleType(module, typeName);
                if (type)
                    info = typeInfoFrom(type);
            }
            catch (e) {
                info = null;
            }
            this.typeCache.set(key, info);
            return info;
        }
        /**
         * The loaded modules: the kernel's in a kernel session, the process's in user mode. A kernel session's list can
         * also hold the current process's user-mode DLLs (telescope.js keeps only modules above MmUserProbeAddress): only
         * modules in kernel space are kept.
         */
        modules() {
            if (this.moduleCache)
                return this.moduleCache;
            const raw = this.rawModules();
            if (!this.isKernel)
                return (this.moduleCache = raw);
            const systemStart = this.systemRangeStart();
            // On a 32-bit kernel nothing lies above 4 GB: such a base is not a kernel module either.
            const kernel = raw.filter((m) => m.base.compare(systemStart) >= 0 && (this.pointerSize === 8 || m.base.hi === 0));
            this.moduleCache = kernel.slice(0, limits.maxListEntries);
            return this.moduleCache;
        }
        /** The kernel image (ntoskrnl, ntkrnlmp, ntkrnlpa, ntkrpamp, ntkrla57, or the debugger's `nt`), by name, never by position. */
        kernelModule() {
            return this.isKernel ? findKernelImage(this.modules()) : null;
        }
        /**
         * Where kernel space begins: the upper half on 64-bit kernels; on 32-bit ones nt!MmSystemRangeStart when it can
         * be read (0xC0000000 under /3GB), else 0x80000000.
         */
        systemRangeStart() {
            if (this.pointerSize === 8)
                return new Address(0x80000000, 0);
            const start = this.readGlobalPointer("nt", "MmSystemRangeStart");
            return start instanceof Address && !start.isNull ? start : new Address(0, 0x80000000);
        }
        /** Every module the session lists, unfiltered (a few more than maxListEntries, so filtering can still fill it). */
        rawModules() {
            if (this.rawModuleCache)
                return this.rawModuleCache;
            const list = [];
            try {
                for (const m of host.currentProcess.Modules) {
                    const base = addressFromHost(m.BaseAddress);
                    const size = numberFromHost(m.Size);
                    if (!base || size === null)
                        continue;
                    const path = String(m.Name);
                    const fileName = path.replace(/^.*[\\/]/, "");
                    list.push({ fileName, name: fileName.replace(/\.[^.]*$/, ""), base, size, path });
                    if (list.length >= 2 * limits.maxListEntries)
                        break;
                }
            }
            catch (e) {
                // A session without a process (or a provider that throws here) has no module list; callers report it.
            }
            this.rawModuleCache = list;
            return list;
        }
        moduleContaining(address) {
            for (const m of this.modules())
                if (address.isWithin(m.base, m.size))
                    return m;
            return null;
        }
        windowsBuild() {
            if (this.buildCache !== undefined)
                return this.buildCache;
            let build = null;
            if (this.isKernel) {
                const at = this.symbolAddress("nt", "NtBuildNumber");
                let unreadable = null;
                if (at) {
                    const bytes = this.memory.read(at, 4, "nt!NtBuildNumber");
                    if (!(bytes instanceof Unreadable))
                        build = (bytes[0] | (bytes[1] << 8)) & 0xffff;
                    else
                        unreadable = messages.buildUnreadable(bytes.describe(this.pointerSize));
                }
                // issue 21: a kernel triage dump lacks nt!NtBuildNumber's page, but keeps nt!NtBuildLab and the dump header
                // (which `vertarget` prints); every command asking for the build gets it from there, and only when none of
                // them answers is the unreadable NtBuildNumber worth telling (the layouts are then guessed).
                if (build === null)
                    build = this.buildFromDumpText();
                if (build === null && unreadable)
                    this.problems.push(unreadable);
            }
            else {
                const peb = this.pebAddress();
                if (peb) {
                    // _PEB.OSBuildNumber: +0x120 on x64, +0xAC on x86, unchanged since Windows XP (dt ntdll!_PEB).
                    const bytes = this.memory.read(peb.add(this.pointerSize === 8 ? 0x120 : 0xac), 2, "_PEB.OSBuildNumber");
                    if (!(bytes instanceof Unreadable))
                        build = bytes[0] | (bytes[1] << 8);
                    else
                        this.problems.push(messages.buildUnreadable(bytes.describe(this.pointerSize)));
                }
            }
            this.buildCache = build && build > 0 ? build : null;
            return this.buildCache;
        }
        /**
         * The current process's image name and PID (host.currentProcess.Name and Id, jsprovider-api.md §2.5), each null
         * when the session does not give it or gives something else than a name or a number.
         */
        processIdentity() {
            let image = null;
            let pid = null;
            try {
                const p = host.currentProcess;
                const name = p.Name;
                if (typeof name === "string" && name !== "")
                    image = name.replace(/^.*[\\/]/, "").slice(0, limits.maxTargetString);
                const id = numberFromHost(p.Id);
                pid = id !== null && id >= 0 && Math.floor(id) === id ? id : null;
            }
            catch (e) {
                // No process (a kernel session without one): both unknown.
            }
            return { image, pid };
        }
        /**
         * The build from nt!NtBuildLab ("19041.1.amd64fre.vb_release.191206-1406") or, failing that, `vertarget`
         * ("Windows 10 Kernel Version 19041 MP (12 procs) Free x64", "Built by: 19041.1.amd64fre..."; real outputs in
         * test/fixtures/triage/vertarget-*.txt). Null when neither says.
         */
        buildFromDumpText() {
            const lab = this.symbolAddress("nt", "NtBuildLab");
            if (lab) {
                const bytes = this.memory.read(lab, 32, "nt!NtBuildLab", false);
                if (!(bytes instanceof Unreadable)) {
                    let text = "";
                    for (let i = 0; i < bytes.length && bytes[i] >= 0x20 && bytes[i] < 0x7f; i++)
                        text += String.fromCharCode(bytes[i]);
                    const m = /^(\d{4,5})\./.exec(text);
                    if (m)
                        return parseInt(m[1], 10);
                }
            }
            const out = this.executeCommand("vertarget");
            return out.error ? null : buildFromVertarget(out.lines);
        }
        /** The current process's PEB: from the process object, else the `$peb` pseudo-register (reference §2.5). */
        pebAddress() {
            return environmentBlock(() => host.currentProcess, "peb");
        }
        /**
         * The current thread's TEB (64-bit in a WOW64 process seen through its 64-bit view): from the thread object, else
         * the `$teb` pseudo-register, as for the PEB. Null when the session has neither.
         */
        tebAddress() {
            return environmentBlock(() => host.currentThread, "teb");
        }
        /**
         * This 64-bit session seen as the 32-bit process it hosts (WOW64), for the walkers that read `pointerSize`: 4-byte
         * pointers over the same memory (one cache, one set of counters), `pebAddress` the 32-bit PEB, no types (the "ntdll"
         * the debugger resolves is the 64-bit one, whose _HEAP is the x64 layout: built-in x86 layouts are used), and the
         * symbols of "ntdll" looked up in the 32-bit ntdll, which the debugger names `ntdll_<base>` beside the 64-bit one
         * (an assumption from WOW64 stacks as WinDbg prints them; a lookup that fails is the "symbol not found" case).
         */
        x86View(peb32, ntdll32Name) {
            const parent = this;
            const view = Object.create(parent);
            const memory = Object.create(parent.memory);
            Object.defineProperty(memory, "pointerSize", { value: 4 });
            Object.defineProperty(view, "pointerSize", { value: 4 });
            Object.defineProperty(view, "memory", { value: memory });
            view.pebAddress = () => peb32;
            view.windowsBuild = () => parent.windowsBuild();
            view.type = () => null;
            view.symbolAddress = (module, name) => {
                if (module.toLowerCase() !== "ntdll")
                    return parent.symbolAddress(module, name);
                return ntdll32Name ? parent.symbolAddress(ntdll32Name, name) : null;
            };
            return view;
        }
        /**
         * Runs a debugger command built from a literal of ours and validated arguments only. The literal is written in
         * the toolkit's source; arguments come from `core/validate`. Output lines are capped.
         */
        executeCommand(literal, ...args) {
            const command = args.length ? literal + " " + args.join(" ") : literal;
            this.calls.commands++;
            try {
                const lines = [];
                for (const line of host.namespace.Debugger.Utility.Control.ExecuteCommand(command)) {
                    lines.push(String(line));
                    if (lines.length >= limits.maxCommandLines)
                        break;
                }
                return { lines };
            }
            catch (e) {
                return { lines: [], error: errorText(e) };
            }
        }
        /** Lines of a text file on the debugger's machine, or null when it does not exist or cannot be read. */
        readTextFile(path) {
            try {
                const fs = host.namespace.Debugger.Utility.FileSystem;
                if (!fs.FileExists(path))
                    return null;
                const file = fs.OpenFile(path);
                try {
                    const lines = [];
                    for (const line of fs.CreateTextReader(file, "Ascii").ReadLineContents()) {
                        lines.push(String(line));
                        if (lines.length >= limits.maxCommandLines)
                            break;
                    }
                    return lines;
                }
                finally {
                    file.Close();
                }
            }
            catch (e) {
                return null;
            }
        }
        /**
         * The symbol and source line of a code address, from the header line of `u <address> L1` (its format is real
         * debugger output in seed 002). One debugger command per distinct address, cached for the command.
         */
        symbolize(address) {
            const cached = this.symbolizeCache.get(address.key);
            if (cached)
                return cached;
            // "L1" is our own literal, not target data.
            const out = this.executeCommand("u", addressArg(address, this.pointerSize), "L1");
            const result = out.error ? { symbol: null, file: null, line: null } : parseDisassemblyHeader(out.lines);
            this.symbolizeCache.set(address.key, result);
            return result;
        }
        toHostAddress(address) {
            return addressToHost(address);
        }
    }
    /** The build number `vertarget` prints: "Kernel Version 19041 MP" or "Built by: 19041.1.amd64fre...". */
    function buildFromVertarget(lines) {
        for (const line of lines) {
            const m = /Kernel Version (\d{4,5})\b/.exec(line) || /(?:Built by|Edition build lab):\s*(\d{4,5})\./.exec(line);
            if (m)
                return parseInt(m[1], 10);
        }
        return null;
    }
    function typeInfoFrom(type) {
        const size = numberFromHost(type.size);
        if (size === null)
            return null;
        return { name: String(type.name), size, fields: fieldsOf(type, 0), lookup: (name) => fieldByName(type, name) };
    }
    /**
     * A field found by name, dotted names reaching into nested structures (`BusyBlock.Size`). The reference does not
     * say that a type's fields enumerate (D-TYPE: "an object of field objects"); looking each one up by name works
     * whether they do or not, so a typed target never falls back to a built-in layout for want of enumeration.
     */
    function fieldByName(type, dotted) {
        let current = type;
        let offset = 0;
        let size = 0;
        for (const part of dotted.split(".")) {
            if (!current || !current.fields)
                return null;
            let field;
            try {
                field = current.fields[part];
            }
            catch (e) {
                return null;
            }
            if (!field || typeof field !== "object" || !("offset" in field))
                return null;
            const at = numberFromHost(field.offset);
            if (at === null)
                return null;
            offset += at;
            current = field.type;
            const fieldSize = current ? numberFromHost(current.size) : null;
            size = fieldSize === null ? 0 : fieldSize;
        }
        return { offset, size };
    }
    /** The names a fields object shows: own names (enumerable or not) and enumerable inherited ones. */
    function fieldNames(fields) {
        const names = Object.getOwnPropertyNames(fields);
        for (const name in fields)
            if (names.indexOf(name) < 0)
                names.push(name);
        return names;
    }
    /** Flattens nested structures into dotted names (`BusyBlock.Size`) so layouts can name inner fields. */
    function fieldsOf(type, depth) {
        const out = {};
        const fields = type.fields;
        if (!fields || depth > 3)
            return out;
        for (const name of fieldNames(fields)) {
            let field;
            try {
                field = fields[name];
            }
            catch (e) {
                continue; // One field that cannot be read leaves the others (and lookup by name) usable.
            }
            if (!field || typeof field !== "object")
                continue;
            const offset = numberFromHost(field.offset);
            if (offset === null)
                continue;
            const size = field.type ? numberFromHost(field.type.size) : null;
            out[name] = { offset, size: size === null ? 0 : size };
            if (field.type && field.type.typeKind === "udt") {
                const inner = fieldsOf(field.type, depth + 1);
                for (const innerName of Object.keys(inner)) {
                    out[name + "." + innerName] = { offset: offset + inner[innerName].offset, size: inner[innerName].size };
                }
            }
        }
        return out;
    }
    function errorText(e) {
        if (e && typeof e === "object" && "message" in e)
            return String(e.message);
        return String(e);
    }
    /** The kernel's file names (ntkrla57: the 5-level-paging kernel); the debugger calls the kernel module `nt`. */
    function isKernelImageName(fileOrModuleName) {
        const stem = fileOrModuleName.toLowerCase().replace(/^.*[\\/]/, "").replace(/\.(exe|dll|sys)$/, "");
        return stem === "nt" || /^nt(oskrnl|krnlmp|krnlpa|krpamp|krla57)$/.test(stem);
    }
    function findKernelImage(modules) {
        for (const m of modules)
            if (isKernelImageName(m.fileName) || isKernelImageName(m.name))
                return m;
        return null;
    }
    /** Machine.PointerSize as a number or an Int64 (the reference does not say which; telescope.js treats it as Int64). */
    function machinePointerSize(machine) {
        let size = null;
        try {
            size = numberFromHost(machine.PointerSize);
        }
        catch (e) {
            size = null;
        }
        return size === 4 ? 4 : 8;
    }
    /**
     * The dump file name: a string on dumps, null on live targets, undefined when the session does not say
     * (Target.Details absent, or throwing when read, as it may on some targets).
     */
    function dumpFileName(target) {
        try {
            const details = target.Details;
            if (!details)
                return undefined;
            const name = details.DumpFileName;
            return name ? String(name) : null;
        }
        catch (e) {
            return undefined;
        }
    }
    /**
     * A process's PEB or a thread's TEB: the object's `Environment.EnvironmentBlock`, else the `$peb` / `$teb`
     * pseudo-register. Without _PEB/_TEB in the symbols the EnvironmentBlock is undefined or throws. The pseudo-register
     * is a typed pointer whose `.address` is the block's address (telescope.js reads `General.peb.address`); a plain
     * number is accepted too, in case a debugger build answers with one.
     */
    function environmentBlock(owner, pseudo) {
        try {
            const o = owner();
            const env = o && o.Environment;
            const block = env && env.EnvironmentBlock;
            const address = block && block.address !== undefined ? addressFromHost(block.address) : null;
            if (address && !address.isNull)
                return address;
        }
        catch (e) {
            // No typed block: try the pseudo-register.
        }
        try {
            const state = host.namespace.Debugger.State;
            const general = state && state.PseudoRegisters && state.PseudoRegisters.General;
            const value0 = general ? general[pseudo] : undefined;
            const value = value0 !== null && typeof value0 === "object" && "address" in value0 ? value0.address : value0;
            const address = addressFromHost(value);
            if (address && !address.isNull)
                return address;
        }
        catch (e) {
            // Neither: the caller reports what it could not find.
        }
        return null;
    }

    // Files on the debugger's machine, through `Debugger.Utility.FileSystem` (jsprovider-api.md §2.8; Microsoft Learn
    // "The FileSystem Namespace", "File Object", "Text Reader Objects", "Text Writer Objects"). Only what the snapshot
    // files need: the first bytes of a file (to recognise its encoding and whether it is ours), its text in one of the
    // provider's encodings, and writing text without replacing a file unless told to. Every file opened here is closed
    // before the call returns, as the File Object page asks of garbage-collected scripts. Nothing here throws: failures
    // come back as values whose `detail` is the provider's own text, for the message to quote (its wording is not
    // documented, so it is never parsed). The policy (which file may be replaced, which encoding) is src/snapshot/'s.
    function fileSystem() {
        return host.namespace.Debugger.Utility.FileSystem;
    }
    /** The file's fully qualified path (File.Path), or the path as given when the provider does not say. */
    function fullPathOf(file, given) {
        try {
            const p = file.Path;
            return typeof p === "string" && p !== "" ? p : given;
        }
        catch (e) {
            return given;
        }
    }
    /** The debugger's current folder (FileSystem.CurrentDirectory), against which a relative path resolves; null if unknown. */
    function currentDirectory() {
        try {
            const d = fileSystem().CurrentDirectory;
            return typeof d === "string" && d !== "" ? d : null;
        }
        catch (e) {
            return null;
        }
    }
    /** Whether a file is at `path`: true, false, or the provider's error text. */
    function fileExists(path) {
        try {
            return !!fileSystem().FileExists(path);
        }
        catch (e) {
            return { detail: errorText(e) };
        }
    }
    /**
     * Opens an existing file for reading, hands it to `read`, and closes it before returning: "missing" when there is no
     * file, "unreadable" with the provider's text when the check, the open or the read fails.
     */
    function withFileForReading(path, read) {
        const exists = fileExists(path);
        if (typeof exists !== "boolean")
            return { kind: "unreadable", detail: exists.detail };
        if (!exists)
            return { kind: "missing" };
        let file = null;
        try {
            file = fileSystem().OpenFile(path);
            return read(file);
        }
        catch (e) {
            return { kind: "unreadable", detail: errorText(e) };
        }
        finally {
            closeQuietly(file);
        }
    }
    /** At most `count` bytes from the start of the file (one ReadBytes call). */
    function readFileHead(path, count) {
        return withFileForReading(path, (file) => {
            const bytes = [];
            for (const b of file.ReadBytes(count)) {
                bytes.push(Number(b) & 0xff);
                if (bytes.length >= count)
                    break;
            }
            return { kind: "bytes", bytes, fullPath: fullPathOf(file, path) };
        });
    }
    /**
     * The whole text of a file read in `encoding`, lines joined with "\n", at most `maxChars` characters (the rest is
     * dropped and `truncated` set: a file that large is not one of ours).
     */
    function readTextFileWhole(path, maxChars, encoding = "Ascii") {
        return withFileForReading(path, (file) => {
            const lines = [];
            let size = 0;
            let truncated = false;
            for (const line of fileSystem().CreateTextReader(file, encoding).ReadLineContents()) {
                const text = String(line);
                size += text.length + 1;
                if (size > maxChars) {
                    truncated = true;
                    break;
                }
                lines.push(text);
            }
            return { kind: "text", text: lines.join("\n"), truncated, fullPath: fullPathOf(file, path) };
        });
    }
    /**
     * Writes `text` ("Ascii") to `path`. Without `replace` the file is created with "CreateNew", which fails when a file
     * appeared there since the caller looked: nothing is ever replaced by accident. With `replace`, "CreateAlways".
     * One Write call for the whole text: one host call, not one per line.
     */
    function writeTextFile(path, text, replace) {
        let file = null;
        try {
            file = fileSystem().CreateFile(path, replace ? "CreateAlways" : "CreateNew");
            fileSystem().CreateTextWriter(file, "Ascii").Write(text);
            return { kind: "written", fullPath: fullPathOf(file, path) };
        }
        catch (e) {
            return { kind: "failed", detail: errorText(e) };
        }
        finally {
            closeQuietly(file);
        }
    }
    function closeQuietly(file) {
        if (!file)
            return;
        try {
            file.Close();
        }
        catch (e) {
            // Closing a handle the provider already dropped: nothing left to release.
        }
    }

    // KUSER_SHARED_DATA: the page the kernel shares with every process at a fixed address. Its layout is part of the
    // user-mode ABI (ntddk.h asserts each offset with C_ASSERT, and user-mode code reads it at fixed offsets), so it is
    // read at these offsets on every build rather than from the symbols. Offsets checked against the _KUSER_SHARED_DATA
    // of all 213 x64 builds in shared research isf/ (Windows 7 SP1 to Windows 11 21H2): InterruptTime +0x08,
    // SystemTime +0x14 and NumberOfPhysicalPages +0x2E8 on all of them; BootId +0x2C4 from build 14393 on (absent on
    // 7601 and 9600; 10240-10586 are not in the set, so BootId is not read before 14393).
    /** KI_USER_SHARED_DATA: 0xFFFFF780`00000000 on x64, 0xFFDF0000 on x86 (wdm.h). */
    const KUSER_SHARED_DATA_X64 = { high: 0xfffff780, low: 0 };
    const KUSER_SHARED_DATA_X86 = 0xffdf0000;
    const KUSER = {
        /** KSYSTEM_TIME (LowPart, High1Time, High2Time): 100 ns since boot, sleep and hibernation included. */
        InterruptTime: 0x08,
        /** KSYSTEM_TIME: 100 ns since 1601-01-01 UTC, the target's wall clock. */
        SystemTime: 0x14,
        /** ULONG, incremented at each boot (the registry's BootId), build 14393 and later. */
        BootId: 0x2c4,
        BootIdFromBuild: 14393,
        /** ULONG: physical pages the memory manager uses. */
        NumberOfPhysicalPages: 0x2e8,
        /** Bytes read from the start of the page to cover every field above (one read). */
        bytesToRead: 0x2ec,
    };

    // Who a snapshot was taken of, in the target's own words: its clock, build, boot and machine (KUSER_SHARED_DATA),
    // the dump file, and for a user-mode snapshot the process. Saved in every snapshot file's "target" block and
    // compared when a file is read back on another target, so a delta between two machines or across a reboot says so.
    /** 1601-01-01 to 1970-01-01 in milliseconds: SystemTime counts from 1601, JavaScript dates from 1970. */
    const MS_1601_TO_1970 = 11644473600000;
    const EARLIEST_MS = Date.UTC(2000, 0, 1);
    const LATEST_MS = Date.UTC(2200, 0, 1);
    /** The clock and boot fields of KUSER_SHARED_DATA from the bytes of its first KUSER.bytesToRead bytes. */
    function decodeKuser(bytes, build) {
        const time100ns = (at) => u32(bytes, at + 4) * 0x100000000 + u32(bytes, at);
        const systemTimeMs = Math.round(time100ns(KUSER.SystemTime) / 1e4) - MS_1601_TO_1970;
        const sinceBootMs = Math.round(time100ns(KUSER.InterruptTime) / 1e4);
        const bootId = build !== null && build >= KUSER.BootIdFromBuild ? u32(bytes, KUSER.BootId) : null;
        const pages = u32(bytes, KUSER.NumberOfPhysicalPages);
        // A clock outside 2000-2200, or a boot after it, is a corrupt or unmapped page read as data: unknown, not a date.
        const plausible = systemTimeMs >= EARLIEST_MS && systemTimeMs <= LATEST_MS;
        const bootTimeMs = systemTimeMs - sinceBootMs;
        return {
            systemTimeMs: plausible ? systemTimeMs : null,
            bootTimeMs: plausible && bootTimeMs >= EARLIEST_MS && bootTimeMs <= systemTimeMs ? bootTimeMs : null,
            bootId,
            physicalPages: pages > 0 ? pages : null,
        };
    }
    /**
     * The target's own facts: one read of KUSER_SHARED_DATA for its clock and boot, the build, the dump's name. The page
     * is mapped at the same address in every process too (user mode reads it at 0x7FFE0000, the kernel at
     * KI_USER_SHARED_DATA; wdm.h), so a user-mode caller passes the process and `userMode`.
     */
    function readTargetFacts(target, process = null, userMode = false) {
        const base = userMode
            ? new Address(0, 0x7ffe0000)
            : target.pointerSize === 8 ? new Address(KUSER_SHARED_DATA_X64.high, KUSER_SHARED_DATA_X64.low) : new Address(0, KUSER_SHARED_DATA_X86);
        const build = target.windowsBuild();
        const bytes = target.memory.read(base, KUSER.bytesToRead, "KUSER_SHARED_DATA", false);
        const kuser = bytes instanceof Unreadable ? { systemTimeMs: null, bootTimeMs: null, bootId: null, physicalPages: null } : decodeKuser(bytes, build);
        const dumpFile = target.isDump ? target.dumpFileName() : null;
        const facts = Object.assign({ kind: target.isDump ? "dump" : "live", dumpFile, windowsBuild: build, pointerSize: target.pointerSize }, kuser);
        if (process)
            facts.process = process;
        return facts;
    }
    function isoTime(ms) {
        if (ms === null || !isFinite(ms))
            return null;
        const d = new Date(ms);
        return isNaN(d.getTime()) ? null : d.toISOString();
    }
    /** `2026-01-01 00:00:00 UTC`, as a person reads it. */
    function readableTime(ms) {
        const iso = isoTime(ms);
        return iso === null ? "unknown" : iso.replace("T", " ").replace(/\.\d+Z$/, " UTC");
    }
    /** `dump C:\cases\a.dmp, Windows build 19045, 64-bit` (and `, process app.exe (PID 1234)` for one process). */
    function describeTarget(t) {
        const what = t.kind === "dump" ? "dump" + (t.dumpFile ? " " + t.dumpFile : " (file name not available)") : "live target";
        const p = t.process;
        const process = p ? ", process " + (p.image === null ? "(name unreadable)" : p.image) + (p.pid === null ? "" : " (PID " + p.pid + ")") : "";
        return what + ", Windows build " + (t.windowsBuild === null ? "unknown" : t.windowsBuild) + ", " + t.pointerSize * 8 + "-bit" + process;
    }
    /** `booted 2025-12-31 19:00:00 UTC (SystemTime - InterruptTime), BootId 12, 4,194,304 physical pages`. */
    function describeBoot(t) {
        const parts = [];
        parts.push("booted " + readableTime(t.bootTimeMs) + " (SystemTime - InterruptTime)");
        parts.push(t.bootId === null ? "BootId not available" + (t.windowsBuild !== null && t.windowsBuild < KUSER.BootIdFromBuild ? " before build " + KUSER.BootIdFromBuild : "") : "BootId " + t.bootId);
        if (t.physicalPages !== null)
            parts.push(groupDigits(t.physicalPages) + " physical pages");
        return parts.join(", ");
    }
    /** Boot times further apart than this are different boots (clock adjustments move SystemTime - InterruptTime by
     *  seconds, not by a quarter of an hour). */
    const BOOT_TIME_TOLERANCE_MS = 15 * 60 * 1000;
    /** What makes the comparison of two targets' counters questionable: order in time, machine, boot, process. */
    function compareFacts(then, now) {
        const out = [];
        if (then.systemTimeMs !== null && now.systemTimeMs !== null && then.systemTimeMs > now.systemTimeMs) {
            out.push({ kind: "snapshotLater", thenMs: then.systemTimeMs, nowMs: now.systemTimeMs });
        }
        const machine = [];
        if (then.pointerSize !== now.pointerSize)
            machine.push((then.pointerSize * 8) + "-bit then, " + (now.pointerSize * 8) + "-bit now");
        if (then.windowsBuild !== null && now.windowsBuild !== null && then.windowsBuild !== now.windowsBuild) {
            machine.push("Windows build " + then.windowsBuild + " then, " + now.windowsBuild + " now (or Windows was updated in between)");
        }
        if (then.physicalPages !== null && now.physicalPages !== null && then.physicalPages !== now.physicalPages) {
            machine.push(then.physicalPages + " physical pages then, " + now.physicalPages + " now");
        }
        if (machine.length)
            out.push({ kind: "otherMachine", what: machine.join("; ") });
        else {
            const reboot = [];
            if (then.bootId !== null && now.bootId !== null && then.bootId !== now.bootId)
                reboot.push("BootId " + then.bootId + " then, " + now.bootId + " now");
            if (then.bootTimeMs !== null && now.bootTimeMs !== null && Math.abs(then.bootTimeMs - now.bootTimeMs) > BOOT_TIME_TOLERANCE_MS) {
                reboot.push("booted " + readableTime(then.bootTimeMs) + " then, " + readableTime(now.bootTimeMs) + " now");
            }
            if (reboot.length)
                out.push({ kind: "reboot", what: reboot.join("; ") });
        }
        // A process ends with its heaps: another image or PID is another process, whatever its heaps look like.
        const a = then.process;
        const b = now.process;
        if (a && b) {
            const process = [];
            if (a.image !== null && b.image !== null && a.image.toLowerCase() !== b.image.toLowerCase())
                process.push(a.image + " then, " + b.image + " now");
            if (a.pid !== null && b.pid !== null && a.pid !== b.pid)
                process.push("PID " + a.pid + " then, " + b.pid + " now");
            if (process.length)
                out.push({ kind: "otherProcess", what: process.join("; ") });
        }
        return out;
    }

    // The file every leaktools snapshot is: JSON with a format name saying its kind, a version, who wrote it, the
    // target's facts (target-facts.ts) and one row per line (so two snapshots diff line by line). The rows are the
    // kind's own (pool tags: src/pool/snapshot.ts; heap allocations: the heap commands); this module knows only that
    // there is a list of them. Pure: text in, records out; a file is hostile input like target memory.
    /** Pool-tag snapshots of `dx @$leaks("save", path)`. */
    const POOL_SNAPSHOT = {
        format: "leaktools pool snapshot",
        noun: "pool-tag snapshot",
        reader: 'dx @$leaks("compare", "C:\\\\cases\\\\before.json")',
        version: 1,
        rowsField: "tags",
        rowsBound: "a tag table can hold",
    };
    /** Heap snapshots of one process (`dx @$heapleaks("save", path)`). */
    const HEAP_SNAPSHOT = {
        format: "leaktools heap snapshot",
        noun: "heap snapshot",
        reader: 'dx @$heapleaks("compare", "C:\\\\cases\\\\before.json")',
        version: 1,
        rowsField: "rows",
        rowsBound: "a heap snapshot keeps",
    };
    /** Every kind this build knows, so a file of one kind handed to another's reader names the right command. */
    const SNAPSHOT_KINDS = [POOL_SNAPSHOT, HEAP_SNAPSHOT];
    /**
     * The format names leaktools writes, now and in later versions: "leaktools <words> snapshot". A file whose JSON
     * begins with such a "format" field is ours, whatever its kind; only such a file may be replaced by a save.
     */
    const OUR_FORMAT = /^leaktools [a-z][a-z0-9 -]{0,40} snapshot$/;
    /** The snapshot format named at the start of a file's text (its first "format" field), or null: not one of ours. */
    function snapshotFormatOf(text) {
        const m = /^\uFEFF?\s*\{\s*"format"\s*:\s*"([^"\\]{1,80})"/.exec(text);
        return m && OUR_FORMAT.test(m[1]) ? m[1] : null;
    }
    /** JSON text of a value, ASCII only (the rest escaped), so an "Ascii" text writer keeps every byte. */
    function jsonAscii(v) {
        return JSON.stringify(v).replace(/[\u007f-\uffff]/g, (c) => "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4));
    }
    /**
     * The file's text: the envelope, then `rows` (each the JSON text of one row object, written with jsonAscii) one per
     * line under the kind's rows field. CR LF line ends, as Notepad and the debugger's own writer use.
     */
    function formatSnapshotFile(e, rows) {
        const j = jsonAscii;
        const t = e.target;
        const lines = [
            "{",
            '  "format": ' + j(e.kind.format) + ",",
            '  "version": ' + e.version + ",",
            '  "writtenBy": ' + j(e.writtenBy) + ",",
            '  "target": {',
            '    "kind": ' + j(t.kind) + ",",
            '    "dumpFile": ' + j(t.dumpFile) + ",",
            '    "windowsBuild": ' + j(t.windowsBuild) + ",",
            '    "pointerSize": ' + t.pointerSize + ",",
            '    "systemTime": ' + j(isoTime(t.systemTimeMs)) + ",",
            '    "bootTime": ' + j(isoTime(t.bootTimeMs)) + ",",
            '    "bootId": ' + j(t.bootId) + ",",
            '    "physicalPages": ' + j(t.physicalPages) + ",",
        ];
        if (t.process)
            lines.push('    "process": {"image": ' + j(t.process.image) + ', "pid": ' + j(t.process.pid) + "},");
        lines.push('    "computerName": null', "  },", '  "source": ' + j(e.source) + ",", "  " + j(e.kind.rowsField) + ": [");
        rows.forEach((r, i) => lines.push("    " + r + (i < rows.length - 1 ? "," : "")));
        lines.push("  ]", "}");
        return lines.join("\r\n") + "\r\n";
    }
    /**
     * Parses and checks a snapshot of `kind`; every field is checked. `checkRow` sees each entry of the rows list in
     * order (an unknown value from the file) and returns the row or what is wrong with it; at most `maxRows` entries.
     */
    function parseSnapshotFile(text, kind, maxRows, checkRow) {
        const trimmed = text.replace(/^\uFEFF/, "").trim();
        if (trimmed === "")
            return { problem: { kind: "empty" } };
        let data;
        try {
            data = JSON.parse(trimmed);
        }
        catch (e) {
            const detail = e && typeof e === "object" && "message" in e ? String(e.message) : String(e);
            if (trimmed.charAt(0) === "{" && !/}$/.test(trimmed))
                return { problem: { kind: "truncated", detail } };
            if (trimmed.charAt(0) !== "{" && trimmed.charAt(0) !== "[")
                return { problem: { kind: "notSnapshot", detail: "it is not JSON" } };
            return { problem: { kind: "malformed", detail } };
        }
        if (!isObject(data) || data.format !== kind.format) {
            const format = isObject(data) && typeof data.format === "string" && OUR_FORMAT.test(data.format) ? data.format : null;
            if (format !== null)
                return { problem: { kind: "otherKind", format, other: SNAPSHOT_KINDS.filter((k) => k.format === format)[0] || null } };
            return { problem: { kind: "notSnapshot", detail: isObject(data) ? 'no "format": "' + kind.format + '" field' : "the JSON is not an object" } };
        }
        const version = data.version;
        if (typeof version !== "number" || !isCount(version) || version < 1)
            return { problem: { kind: "malformed", detail: '"version" is not a positive whole number' } };
        if (version > kind.version)
            return { problem: { kind: "newer", version, supported: kind.version } };
        const bad = (detail) => ({ problem: { kind: "malformed", detail } });
        const t = data.target;
        if (!isObject(t))
            return bad('"target" is missing');
        if (t.kind !== "live" && t.kind !== "dump")
            return bad('"target.kind" is neither "live" nor "dump"');
        if (t.pointerSize !== 4 && t.pointerSize !== 8)
            return bad('"target.pointerSize" is neither 4 nor 8');
        const optionalString = (v) => v === null || v === undefined || typeof v === "string";
        const optionalCount = (v) => v === null || v === undefined || isCount(v);
        for (const f of ["dumpFile", "systemTime", "bootTime"])
            if (!optionalString(t[f]))
                return bad('"target.' + f + '" is not a string or null');
        for (const f of ["windowsBuild", "bootId", "physicalPages"])
            if (!optionalCount(t[f]))
                return bad('"target.' + f + '" is not a whole number or null');
        const time = (v) => {
            if (v === null || v === undefined)
                return null;
            // ISO 8601 in UTC as toISOString writes it; Date.parse reads that form the same way on every engine.
            if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(v))
                return "bad";
            const ms = Date.parse(v);
            return isNaN(ms) ? "bad" : ms;
        };
        const systemTimeMs = time(t.systemTime);
        const bootTimeMs = time(t.bootTime);
        if (systemTimeMs === "bad")
            return bad('"target.systemTime" is not a UTC time like 2026-01-01T00:00:00.000Z');
        if (bootTimeMs === "bad")
            return bad('"target.bootTime" is not a UTC time like 2026-01-01T00:00:00.000Z');
        let process = null;
        if (t.process !== undefined && t.process !== null) {
            const p = t.process;
            if (!isObject(p) || !optionalString(p.image) || !optionalCount(p.pid))
                return bad('"target.process" is not {"image": name or null, "pid": number or null}');
            process = { image: typeof p.image === "string" ? printable(p.image, 260) : null, pid: isCount(p.pid) ? p.pid : null };
        }
        if (typeof data.source !== "string")
            return bad('"source" is missing');
        const entries = data[kind.rowsField];
        if (!Array.isArray(entries))
            return bad(JSON.stringify(kind.rowsField) + " is not a list");
        if (entries.length > maxRows)
            return bad(JSON.stringify(kind.rowsField) + " has " + entries.length + " entries, more than the " + maxRows + " " + kind.rowsBound);
        const rows = [];
        for (let i = 0; i < entries.length; i++) {
            const checked = checkRow(entries[i], i);
            if ("problem" in checked)
                return bad(checked.problem);
            rows.push(checked.row);
        }
        const target = {
            kind: t.kind,
            dumpFile: typeof t.dumpFile === "string" ? printable(t.dumpFile, 260) : null,
            windowsBuild: isCount(t.windowsBuild) ? t.windowsBuild : null,
            pointerSize: t.pointerSize,
            systemTimeMs,
            bootTimeMs,
            bootId: isCount(t.bootId) ? t.bootId : null,
            physicalPages: isCount(t.physicalPages) ? t.physicalPages : null,
        };
        if (process)
            target.process = process;
        return {
            envelope: {
                kind,
                version,
                writtenBy: typeof data.writtenBy === "string" ? printable(data.writtenBy, 64) : "",
                source: printable(data.source, 64),
                target,
            },
            rows,
        };
    }
    /** Text from the file that the output shows: control characters become spaces, and it is cut at `max`. */
    function printable(text, max) {
        const flat = text.replace(/[\x00-\x1f\x7f]/g, " ");
        return flat.length > max ? flat.slice(0, max - 3) + "..." : flat;
    }
    function isObject(v) {
        return !!v && typeof v === "object" && !Array.isArray(v);
    }
    /** A whole number of 0 or more that a double holds exactly. */
    function isCount(v) {
        return typeof v === "number" && isFinite(v) && Math.floor(v) === v && v >= 0 && v <= 9007199254740991;
    }

    // A file path typed inside dx quotes, checked before any file is touched: dx reads `\t`, `\n`, `\b`... in a string
    // literal as escapes, so `"C:\temp\before.json"` arrives with a tab and a backspace. Pure; used by every command that
    // takes a path (@$leaks save/compare, !pooltagfile, @$heapleaks).
    function checkPath(value) {
        if (typeof value !== "string" || value.trim() === "")
            return { problem: "missing" };
        const controls = value.match(/[\x00-\x1f\x7f]/g);
        if (controls)
            return { problem: "mangled", what: describeControls(controls), typed: typedPath(value) };
        if (/[<>"|?*]/.test(value) || value.length > 32767)
            return { problem: "invalid" };
        if (/^[A-Za-z]:[^\\/]/.test(value))
            return { problem: "driveRelative" };
        return { path: value };
    }
    /** The escape a control character most likely came from (`\t` typed in `C:\temp`), for the message. */
    const ESCAPES = { "\t": "t", "\n": "n", "\r": "r", "\0": "0", "\x07": "a", "\b": "b", "\f": "f", "\x0b": "v" };
    /** The control characters of a mangled path, named once each (`a tab and a backspace`). */
    function describeControls(found) {
        // dx's C++ string literals also take \a \b \f \v (C:\temp\before.json arrives with a tab and a backspace).
        const names = {
            "\t": "a tab", "\n": "a line break", "\r": "a carriage return", "\0": "a NUL character",
            "\x07": "an alert (bell) character", "\b": "a backspace", "\f": "a form feed", "\x0b": "a vertical tab",
        };
        const seen = [];
        for (const c of found) {
            const name = names[c] || "control character 0x" + c.charCodeAt(0).toString(16);
            if (seen.indexOf(name) < 0)
                seen.push(name);
        }
        return seen.join(" and ");
    }
    /** The path as it must be typed inside dx quotes: backslashes doubled, control characters back to their escape. */
    function typedPath(path) {
        let out = "";
        for (const c of path) {
            if (c === "\\")
                out += "\\\\";
            else if (ESCAPES[c] !== undefined)
                out += "\\\\" + ESCAPES[c];
            else if (c < " ")
                out += "\\\\" + c.charCodeAt(0).toString(8); // an octal escape (`\1` in `C:\cases\1.json`)
            else
                out += c;
        }
        return out;
    }
    /**
     * Names to offer instead of a file that must not be replaced, best first: the same name with `.json`, then
     * `-2.json` ... `-9.json` (`C:\cases\after.dmp` -> `C:\cases\after.json`, `C:\cases\after-2.json`).
     */
    function alternativeNames(path) {
        const slash = Math.max(path.lastIndexOf("\\"), path.lastIndexOf("/"));
        const dot = path.lastIndexOf(".");
        const stem = dot > slash + 1 ? path.slice(0, dot) : path;
        const out = [];
        if (stem + ".json" !== path)
            out.push(stem + ".json");
        for (let n = 2; n <= 9; n++)
            out.push(stem + "-" + n + ".json");
        return out;
    }
    /**
     * The full path a path names, for messages about a file that is not there (a file that is there reports its own
     * File.Path): `before.json` in `C:\Debuggers` is `C:\Debuggers\before.json`. Absolute and UNC paths are kept; `.`
     * and `..` are left for Windows to resolve.
     */
    function resolvedPath(path, currentDirectory) {
        if (currentDirectory === null || /^[A-Za-z]:[\\/]/.test(path) || /^[\\/]{2}/.test(path))
            return path;
        if (/^[\\/]/.test(path))
            return currentDirectory.slice(0, 2) + path;
        return currentDirectory.replace(/[\\/]+$/, "") + "\\" + path;
    }

    // Reading and writing snapshot files on the debugger's machine, with the rules every command that writes a file
    // follows: a save replaces only a file that is one of our snapshots (any kind, src/snapshot/envelope.ts), never a
    // dump or a notes file; a file is read in the encoding its byte-order mark says (an editor may have saved it as
    // UTF-16); paths are reported as the full path they resolved to. Other text files the user hands us (a pooltag.txt)
    // are read by the same rules (readTextLines). The I/O is src/host/files.ts.
    /** Bytes read from an existing file to recognise its encoding and whether it is ours (the format field is in the
     *  first hundred bytes of every snapshot we write, whatever the encoding). */
    const HEAD_BYTES = 512;
    /**
     * The decoding a file's first bytes call for, or the name of an encoding we cannot read. The byte-order marks are
     * Unicode's (The Unicode Standard, 23.8 "Byte Order Mark"): EF BB BF, FF FE, FE FF; FF FE 00 00 and 00 00 FE FF are
     * UTF-32. Without a mark the text is read as UTF-8 (ASCII is UTF-8), unless zero bytes say it is UTF-16 without one.
     */
    function decodingOf(head) {
        const starts = (...b) => b.every((x, i) => head[i] === x);
        if (starts(0xff, 0xfe, 0, 0) || starts(0, 0, 0xfe, 0xff))
            return { cannot: "UTF-32" };
        if (starts(0xef, 0xbb, 0xbf))
            return { name: "UTF-8 with a byte-order mark", reader: "Utf8", swapBytes: false };
        if (starts(0xff, 0xfe))
            return { name: "UTF-16 LE", reader: "Utf16", swapBytes: false };
        if (starts(0xfe, 0xff))
            return { name: "UTF-16 BE", reader: "Utf16", swapBytes: true };
        const zeros = head.filter((b) => b === 0).length;
        if (head.length >= 2 && zeros * 4 >= head.length)
            return { cannot: "UTF-16 without a byte-order mark" };
        return UTF8;
    }
    const UTF8 = { name: "UTF-8", reader: "Utf8", swapBytes: false };
    /** The text of `bytes` (a file's first bytes) in `d`, for recognising the file; the rest of the file is not needed. */
    function decodeHead(bytes, d) {
        // Bytes as Latin-1 characters: enough to recognise ASCII text; a UTF-8 mark's three bytes are dropped.
        if (d.reader !== "Utf16")
            return String.fromCharCode.apply(null, bytes.slice(bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0, HEAD_BYTES));
        let s = "";
        for (let i = 0; i + 1 < bytes.length; i += 2)
            s += String.fromCharCode(d.swapBytes ? (bytes[i] << 8) | bytes[i + 1] : bytes[i] | (bytes[i + 1] << 8));
        return s;
    }
    /** Text as the provider's UTF-16 reader returned a big-endian file: each code unit swapped, lines joined again. */
    function swapUnits(text) {
        let s = "";
        for (let i = 0; i < text.length; i++) {
            const c = text.charCodeAt(i);
            s += String.fromCharCode(((c & 0xff) << 8) | (c >> 8));
        }
        return s;
    }
    /** A snapshot file's whole text (at most `maxChars` characters), decoded as its byte-order mark says. */
    function readSnapshotText(path, maxChars) {
        const head = readFileHead(path, HEAD_BYTES);
        if (head.kind === "missing")
            return { kind: "missing", fullPath: resolvedPath(path, currentDirectory()) };
        // File.ReadBytes is documented but little used by scripts: when it fails where the text reader may not, the file
        // is read as UTF-8 text (what leaktools writes), and a file that is not is reported by the parser.
        const decoding = head.kind === "bytes" ? decodingOf(head.bytes) : UTF8;
        if ("cannot" in decoding)
            return { kind: "undecodable", encoding: decoding.cannot, fullPath: head.kind === "bytes" ? head.fullPath : path };
        const read = readTextFileWhole(path, maxChars, decoding.reader);
        if (read.kind === "missing")
            return { kind: "missing", fullPath: resolvedPath(path, currentDirectory()) };
        if (read.kind !== "text")
            return read;
        if (read.truncated)
            return { kind: "tooLarge", fullPath: read.fullPath };
        // A reader may keep the mark or drop it: drop it either way.
        const text = (decoding.swapBytes ? swapUnits(read.text).replace(/\r?\n/g, "\n") : read.text).replace(/^\uFEFF/, "");
        return { kind: "text", text, fullPath: read.fullPath, encoding: decoding.name };
    }
    /**
     * The lines of a text file the user hands us that is not a snapshot (a pooltag.txt), read by the same rules: in the
     * encoding its byte-order mark says (UTF-8 with or without one, UTF-16 with one), at most `maxChars` characters.
     */
    function readTextLines(path, maxChars) {
        const read = readSnapshotText(path, maxChars);
        if (read.kind !== "text")
            return read;
        return { kind: "lines", lines: read.text.split("\n"), fullPath: read.fullPath, encoding: read.encoding };
    }
    /**
     * Writes a snapshot's text to `path`. A file already there is replaced only when it is one of our snapshots (of any
     * kind); anything else is left alone and the reason returned, with a free name to suggest.
     */
    function writeSnapshotFile(path, text) {
        const head = readFileHead(path, HEAD_BYTES);
        if (head.kind === "missing") {
            const written = writeTextFile(path, text, false);
            return written.kind === "written" ? { kind: "written", fullPath: written.fullPath, replaced: null } : written;
        }
        const refuse = (fullPath, reason) => ({ kind: "refused", fullPath, reason, suggestion: freeName(path) });
        if (head.kind === "unreadable")
            return refuse(path, "it could not be read to check that it is a leaktools snapshot (" + head.detail.replace(/[\x00-\x1f]/g, " ").trim() + ")");
        const format = ourFormat(head.bytes);
        if (format === null)
            return refuse(head.fullPath, whatItIs(head.bytes));
        const written = writeTextFile(path, text, true);
        return written.kind === "written" ? { kind: "written", fullPath: written.fullPath, replaced: format } : written;
    }
    function ourFormat(bytes) {
        const d = decodingOf(bytes);
        return "cannot" in d ? null : snapshotFormatOf(decodeHead(bytes, d));
    }
    /** Why a file is not one of ours, from its first bytes: `it is a crash dump (it starts with PAGEDU64)`. */
    function whatItIs(bytes) {
        const ascii = String.fromCharCode.apply(null, bytes.slice(0, 8));
        // Dump signatures: MINIDUMP_HEADER.Signature "MDMP" (minidumpapiset.h); kernel dumps' DUMP_HEADER "PAGEDUMP" / "PAGEDU64".
        if (/^MDMP/.test(ascii))
            return "it is a crash dump (a minidump: it starts with MDMP)";
        if (/^PAGEDU(MP|64)/.test(ascii))
            return "it is a crash dump (a kernel dump: it starts with " + ascii + ")";
        if (bytes.length === 0)
            return "it is an empty file, not a leaktools snapshot";
        const d = decodingOf(bytes);
        if ("cannot" in d)
            return "it is not a leaktools snapshot (its text is " + d.cannot + ")";
        const text = decodeHead(bytes, d).replace(/^\uFEFF/, "");
        if (/^\s*[{[]/.test(text))
            return "it is JSON or similar, but not a leaktools snapshot (no \"format\": \"leaktools ... snapshot\" at its start)";
        const start = text.replace(/[^\x20-\x7e]+/g, " ").trim().slice(0, 24);
        return "it is not a leaktools snapshot" + (start ? " (it starts with \"" + start + "\")" : "");
    }
    /** The first of alternativeNames(path) that no file holds. */
    function freeName(path) {
        for (const name of alternativeNames(path))
            if (fileExists(name) === false)
                return name;
        return null;
    }

    function readTagUsage(target) {
        const tracker = readPoolTracker(target);
        if (tracker.kind === "tracker") {
            return {
                rows: tracker.rows,
                layout: tracker.layout,
                notes: [
                    (tracker.processorTables === 1
                        ? "Read nt!PoolTrackTable (" + groupDigits(tracker.entriesPerTable) + " entries; no per-processor tables)"
                        : "Summed nt!PoolTrackTable (" + groupDigits(tracker.entriesPerTable) + " entries) over " + groupDigits(tracker.processorTables) + " processor tables") +
                        (tracker.expansionEntries ? " + " + groupDigits(tracker.expansionEntries) + " expansion entries" : "") + ".",
                ],
                problems: tracker.problems,
                fromPoolused: false,
                poolusedDescriptions: new Map(),
                failure: null,
            };
        }
        const out = target.executeCommand("!poolused", numberArg(2));
        const parsed = out.error ? null : parsePoolused(out.lines);
        const rows = parsed ? parsed.rows : [];
        const descriptions = new Map();
        for (const r of rows)
            descriptions.set(r.usage.tag, r.description);
        const problems = [];
        if (parsed && parsed.unparsed.length)
            problems.push(messages.poolusedUnparsed(parsed.unparsed.length, parsed.unparsed[0]));
        return {
            rows: rows.map((r) => r.usage),
            layout: null,
            notes: [messages.poolusedSource(tracker.reason, parsed && parsed.layout ? parsed.layout.columns + " (" + parsed.layout.meaning + ")" : null, parsed ? parsed.glued : false)],
            problems,
            fromPoolused: true,
            poolusedDescriptions: descriptions,
            failure: rows.length
                ? null
                : tracker.reason + (out.error ? "; !poolused 2 failed: " + out.error : parsed && parsed.problem ? "; !poolused 2: " + parsed.problem : "; !poolused 2 printed no rows"),
        };
    }
    /** The debugger's pooltag.txt (first path that exists) merged with the user's file, which wins. */
    function loadDescriptions(target) {
        const descriptions = new TagDescriptions();
        const files = [];
        for (const path of debuggerPoolTagPaths(target)) {
            const read = readTextLines(path, limits.maxTagFileChars);
            if (read.kind === "lines") {
                parsePoolTagFile(read.lines, descriptions);
                files.push(path);
                break;
            }
        }
        if (sessionState.userPoolTagFile) {
            const read = readTextLines(sessionState.userPoolTagFile, limits.maxTagFileChars);
            if (read.kind === "lines") {
                parsePoolTagFile(read.lines, descriptions);
                files.push(sessionState.userPoolTagFile);
            }
        }
        return { descriptions, files };
    }
    /**
     * Where the running debugger's triage\pooltag.txt can be: next to the extensions `.chain` lists (the WinDbg app's
     * folder carries its version, so no fixed path finds it), then the fixed Windows Kits places.
     */
    function debuggerPoolTagPaths(target) {
        const chain = target.executeCommand(".chain");
        const fromChain = chain.error ? [] : poolTagPathsFromChain(chain.lines);
        const paths = fromChain.slice();
        for (const p of TRIAGE_POOLTAG_PATHS)
            if (!paths.some((q) => q.toLowerCase() === p.toLowerCase()))
                paths.push(p);
        return paths;
    }

    // Tag usage as the pool commands show it: read (src/pool/usage.ts), what was read said, and one record per tag.
    // Shared by !leaktag, @$pooltags(), !poolallocs and @$leaks(); a command imports it here, never from another command.
    /** Blocks still allocated: allocs minus frees from the tracker; !poolused's Allocs column is that count already. */
    function outstandingOf(u, paged, fromPoolused) {
        if (fromPoolused)
            return paged ? u.pagedAllocs : u.nonPagedAllocs;
        return paged ? outstanding(u.pagedAllocs, u.pagedFrees) : outstanding(u.nonPagedAllocs, u.nonPagedFrees);
    }
    function usageRecord(u, description, fromPoolused) {
        const onlyOutstanding = new NotApplicable("!poolused shows outstanding allocations only");
        const np = outstandingOf(u, false, fromPoolused);
        const p = outstandingOf(u, true, fromPoolused);
        return {
            Tag: u.tag,
            NonPagedAllocs: fromPoolused ? onlyOutstanding : u.nonPagedAllocs,
            NonPagedFrees: fromPoolused ? onlyOutstanding : u.nonPagedFrees,
            NonPagedOutstanding: np,
            NonPagedBytes: u.nonPagedBytes,
            PagedAllocs: fromPoolused ? onlyOutstanding : u.pagedAllocs,
            PagedFrees: fromPoolused ? onlyOutstanding : u.pagedFrees,
            PagedOutstanding: p,
            PagedBytes: u.pagedBytes,
            Description: description,
            toString: () => "'" + u.tag + "': " + poolText(np, u.nonPagedBytes, p, u.pagedBytes),
        };
    }
    /** "119 outstanding, 0x129800000 (4.65 GB) NonPaged", and the Paged half when there is one. */
    function poolText(np, npBytes, p, pBytes) {
        const parts = [];
        if (np || npBytes || !(p || pBytes))
            parts.push(groupDigits(np) + " outstanding, " + sizeText(npBytes) + " NonPaged");
        if (p || pBytes)
            parts.push(groupDigits(p) + " outstanding, " + sizeText(pBytes) + " Paged");
        return parts.join("; ");
    }
    function tagDescription(usage, descriptions, tag) {
        return describeTag(descriptions, tag) || usage.poolusedDescriptions.get(tag) || "";
    }
    /**
     * The tags' usage, with what was read said (the short layout line once per session, then the tables read); null
     * (and why) when neither tracker nor !poolused answered.
     */
    function readUsageSaying(target, out) {
        const usage = readTagUsage(target);
        if (usage.layout)
            out.lines(layoutNote(usage.layout));
        // Which tables were read: once per session (the layout line's rule), printed again when it changes.
        for (const note of usage.notes)
            out.lines(oncePerSession(note));
        for (const problem of usage.problems)
            out.line("  " + problem);
        if (usage.failure) {
            out.line(messages.tagUsageUnavailable(usage.failure));
            return null;
        }
        return usage;
    }
    /** The tags' usage and descriptions, with what was read said; null (and why) when neither tracker nor !poolused answered. */
    function readUsageOrSay(target, out) {
        const usage = readUsageSaying(target, out);
        if (!usage)
            return null;
        const { descriptions, files } = loadDescriptions(target);
        if (files.length)
            out.lines(oncePerSession("Descriptions: " + files.join(", ") + "."));
        return { usage, descriptions };
    }

    // kd> !leaktag "Leak"
    // Kernel pool leaks: with no argument, ranks pool tags by bytes in use; with a tag, shows its usage, its live big
    // pool allocations and the loaded drivers whose code holds the tag (the allocator ranked first).
    /** Rows of the no-argument ranking. */
    const TOP_NONPAGED = 20;
    const TOP_PAGED = 10;
    /** Big allocations printed (all are returned). */
    const BIG_ROWS_SHOWN = 5;
    /** Code hits symbolized through `u <address> L1` (one debugger command each). */
    const MAX_SYMBOLIZED = 16;
    /** Image bytes above which the tag search prints progress every 10%. */
    const LARGE_IMAGE_SEARCH = 16 * 1024 * 1024;
    const leaktagCommand = {
        name: "leaktag",
        usage: '!leaktag ["Tag"]',
        summary: "Rank pool tags by bytes; with a tag, its big allocations and the driver that owns it",
        resultNoun: ["tag", "tags"],
        quietRepeats: true,
        keepsResult: true,
        help: {
            arguments: [{ name: '"Tag"', text: 'optional: a pool tag of 1-4 characters in quotes, ? and * as wildcards ("Leak", "Le*"); none ranks every tag' }],
            records: [
                { name: "Tags", text: "without a tag: the ranked tags: Tag, NonPagedAllocs, NonPagedFrees, NonPagedOutstanding, NonPagedBytes, PagedAllocs, PagedFrees, PagedOutstanding, PagedBytes, Description" },
                { name: "Tag, Usage, Outstanding, Bytes", text: "with a tag: the tag, its Tags record and its totals" },
                { name: "BigAllocations", text: "its live big-pool allocations: Address, Size, Pool" },
                { name: "Owners", text: "the modules holding the tag's bytes, best first: Module, Confidence, Hits, HitsNotKept" },
                { name: "Hits", text: "each place the bytes are: Address, InstructionAddress, Section, Kind, Instruction, Allocator, Use, Wrapper, CallAddress, Moves, Symbol" },
                { name: "NotSearched", text: "image ranges not resident, so not searched: Module, Section, Address, Size, Reason" },
            ],
            examples: [
                { command: "!leaktag", text: "the top 20 tags by NonPaged bytes and the top 10 by Paged bytes" },
                { command: '!leaktag "Leak"', text: "one tag: its usage, big allocations and the driver that allocates it" },
                { command: 'dx @$leaktag("Leak").Owners.Where(o => o.Confidence == "high").Select(o => o.Module)', text: "the allocating modules" },
            ],
        },
        run(ctx, args) {
            if (!ctx.target.isKernel) {
                ctx.out.line(messages.needsKernel("leaktag"));
                return undefined;
            }
            if (args.length === 0 || args[0] === undefined)
                return rankTags(ctx);
            const pattern = parseTagPattern(args[0]);
            if (!pattern || args.length > 1) {
                // A tag of digits typed without quotes (`!leaktag 2872`) arrives as a number, in the debugger's radix, so its
                // digits cannot be echoed back reliably: say that quotes are needed.
                const hint = typeof args[0] === "number" ? " (a tag made of digits needs quotes too)" : "";
                ctx.out.line(messages.leaktagUsage(describeArg(args[0]) + hint));
                return undefined;
            }
            return showTag(ctx, pattern);
        },
    };
    function rankTags(ctx) {
        // The answer leads (output conventions 1): what was read is said after it.
        const details = new BufferedPrinter(ctx.out);
        const read = readUsageOrSay(ctx.target, details);
        if (!read) {
            ctx.out.lines(details.buffer);
            return undefined;
        }
        const { usage, descriptions } = read;
        const fromPoolused = usage.fromPoolused;
        const record = (u) => usageRecord(u, tagDescription(usage, descriptions, u.tag), fromPoolused);
        const byNonPaged = usage.rows.filter((u) => u.nonPagedBytes > 0).sort((a, b) => b.nonPagedBytes - a.nonPagedBytes).slice(0, TOP_NONPAGED);
        const byPaged = usage.rows.filter((u) => u.pagedBytes > 0).sort((a, b) => b.pagedBytes - a.pagedBytes).slice(0, TOP_PAGED);
        const top = (u, paged) => u ? "'" + u.tag + "' " + sizeText(paged ? u.pagedBytes : u.nonPagedBytes) + " in " + plural(outstandingOf(u, paged, fromPoolused), "allocation") : "none";
        ctx.out.line(plural(usage.rows.length, "tag") + " in use. Most NonPaged: " + top(byNonPaged[0], false) + ". Most Paged: " + top(byPaged[0], true) + ".");
        ctx.out.lines(details.buffer);
        const table = (rows, paged) => renderTable([
            { header: "Tag", value: (u) => "'" + u.tag + "'" },
            { header: "Outstanding", align: "right", value: (u) => groupDigits(outstandingOf(u, paged, fromPoolused)) },
            { header: "Bytes", align: "right", value: (u) => sizeText(paged ? u.pagedBytes : u.nonPagedBytes) },
            { header: "Description", value: (u) => shortText$1(tagDescription(usage, descriptions, u.tag), 48) },
        ], rows, "  ");
        ctx.out.line("");
        ctx.out.line("Top " + TOP_NONPAGED + " tags by NonPaged bytes:");
        ctx.out.lines(byNonPaged.length ? table(byNonPaged, false) : ["  No tag holds NonPaged pool."]);
        ctx.out.line("");
        ctx.out.line("Top " + TOP_PAGED + " tags by Paged bytes:");
        ctx.out.lines(byPaged.length ? table(byPaged, true) : ["  No tag holds Paged pool."]);
        const steps = [];
        const first = byNonPaged[0] || byPaged[0];
        // A tag read from the target is shown in a command only when it is four printable characters without a quote.
        if (first && /^[\x21-\x7e ]{1,4}$/.test(first.tag) && first.tag.indexOf('"') < 0 && first.tag.indexOf("\\") < 0) {
            steps.push({ command: '!leaktag "' + first.tag.replace(/ +$/, "") + '"', why: "the driver that allocates the largest tag, and its big allocations" });
        }
        if (ctx.target.isDump)
            steps.push({ command: 'dx @$leaks("save", "C:\\\\cases\\\\before.json")', why: "keep these figures to compare a later dump with" });
        else
            steps.push({ command: "dx @$leaks()", why: "a baseline now; again after g and a break-in, the tags that grew" });
        ctx.out.line("");
        ctx.out.lines(nextBlock(steps));
        const seen = new Set();
        const records = [];
        for (const u of byNonPaged.concat(byPaged)) {
            if (seen.has(u.tag))
                continue;
            seen.add(u.tag);
            records.push(record(u));
        }
        return { Tags: records, Count: usage.rows.length, toString: () => plural(usage.rows.length, "tag") + " in use; " + records.length + " ranked" };
    }
    function shortText$1(text, max) {
        return text.length > max ? text.slice(0, max - 3) + "..." : text;
    }
    function showTag(ctx, pattern) {
        const target = ctx.target;
        // The answer leads (output conventions 1): everything read on the way is kept and printed after it.
        const out = new BufferedPrinter(ctx.out);
        const dctx = { target, out };
        const read = readUsageOrSay(target, out);
        const usage = read ? read.usage : null;
        const descriptions = read ? read.descriptions : new TagDescriptions();
        const matching = usage ? usage.rows.filter((u) => pattern.matches(u.tag)).sort((a, b) => b.nonPagedBytes + b.pagedBytes - (a.nonPagedBytes + a.pagedBytes)) : [];
        const fromPoolused = usage ? usage.fromPoolused : false;
        if (pattern.hasWildcards && matching.length !== 1) {
            ctx.out.line(messages.wildcardOwners(matching.length, matching.length ? "'" + matching[0].tag + "': " + poolText(outstandingOf(matching[0], false, fromPoolused), matching[0].nonPagedBytes, outstandingOf(matching[0], true, fromPoolused), matching[0].pagedBytes) : null));
            ctx.out.lines(out.buffer);
            ctx.out.line("");
            ctx.out.lines(usageTable(matching, fromPoolused));
            // The largest match's own !leaktag, typed as it must be (a tag that cannot go inside dx quotes is not offered).
            const typable = matching.filter((u) => /^[\x21-\x7e ]{1,4}$/.test(u.tag) && u.tag.indexOf('"') < 0 && u.tag.indexOf("\\") < 0);
            if (typable.length)
                ctx.out.lines(nextBlock([{ command: '!leaktag "' + typable[0].tag.replace(/ +$/, "") + '"', why: "the largest of them: its big allocations and the driver that allocates it" }]));
            const records = matching.map((u) => usageRecord(u, usage ? tagDescription(usage, descriptions, u.tag) : "", fromPoolused));
            return { Tags: records, Count: records.length, toString: () => plural(records.length, "tag") + " match '" + pattern.text + "'" };
        }
        const tag = pattern.hasWildcards ? matching[0].tag : pattern.text;
        const row = pattern.hasWildcards ? matching[0] : matching.find((u) => u.tag === tag) || null;
        if (!row && usage)
            out.line(messages.tagNotTracked(tag));
        const description = usage ? tagDescription(usage, descriptions, tag) : "";
        if (description)
            out.line("Description: " + description);
        if (isUntaggedTag(tag))
            out.line(messages.untaggedTag(tag));
        // Big pool allocations (>= a page) of this tag.
        const exact = parseTagPattern(tag);
        const big = readBigPages(target, exact);
        let bigRecords = [];
        out.line("");
        if (big.kind === "bigPagesMissing") {
            out.line("Big pool allocations: not available (" + big.reason + ").");
        }
        else {
            const total = big.allocations.reduce((n, a) => n + a.size, 0);
            out.line("Big pool allocations (nt!PoolBigPageTable, " + groupDigits(big.entries) + " entries): " + groupDigits(big.allocations.length) + " live, " + sizeText(total) + ".");
            out.lines(layoutNote(big.layout));
            for (const p of big.problems)
                out.line("  " + p);
            if (big.allocations.length) {
                out.lines(renderTable([
                    { header: "Address", value: (a) => target.formatAddress(a.address) },
                    { header: "Size", align: "right", value: (a) => sizeText(a.size) },
                    { header: "Pool", value: (a) => poolName(a.paged) },
                ], big.allocations.slice(0, BIG_ROWS_SHOWN), "  "));
                if (big.allocations.length > BIG_ROWS_SHOWN)
                    out.line("  ... " + groupDigits(big.allocations.length - BIG_ROWS_SHOWN) + " more (dx @$leaktag(\"" + tag.trim() + "\").BigAllocations)");
            }
            bigRecords = big.allocations.map((a) => ({
                Address: a.address,
                Size: a.size,
                Pool: poolName(a.paged),
                toString: () => target.formatAddress(a.address) + " " + sizeText(a.size) + " " + poolName(a.paged),
            }));
        }
        const owners = isUntaggedTag(tag) ? untaggedOwners(dctx) : searchOwners(dctx, tag);
        // The answer: the tag's outstanding blocks and bytes, and who allocates it.
        const np = row ? outstandingOf(row, false, fromPoolused) : 0;
        const p = row ? outstandingOf(row, true, fromPoolused) : 0;
        const usageText = row ? poolText(np, row.nonPagedBytes, p, row.pagedBytes) : usage ? "not in the pool tag tables" : "usage unknown";
        const who = owners.verdict
            ? owners.verdict
            : owners.records.length
                ? "no module passes it to an allocator; the likeliest holder: " + owners.records[0].Module + " (" + owners.records[0].Confidence + " confidence)"
                : isUntaggedTag(tag) ? "no loaded module imports ExAllocatePool" : "no loaded module holds its bytes";
        ctx.out.line("'" + tag + "': " + usageText + "; " + who + ".");
        ctx.out.lines(out.buffer);
        const steps = [];
        const outstandingTotal = np + p;
        // Big pages hold only blocks of a page or more: when they do not account for the outstanding count, the rest are
        // small blocks, which !poolallocs walks.
        if (!isUntaggedTag(tag) && outstandingTotal > bigRecords.length) {
            steps.push({
                command: '!poolallocs "' + tag.trim() + '"',
                why: "every live block: big pages hold " + groupDigits(bigRecords.length) + " of the " + groupDigits(outstandingTotal) + " outstanding",
            });
        }
        for (const step of owners.next)
            steps.push(step);
        ctx.out.line("");
        ctx.out.lines(nextBlock(steps));
        const bytes = row ? row.nonPagedBytes + row.pagedBytes : 0;
        return {
            Tag: tag,
            Usage: row ? usageRecord(row, description, fromPoolused) : null,
            Outstanding: outstandingTotal,
            Bytes: bytes,
            BigAllocations: bigRecords,
            Owners: owners.records,
            NotSearched: owners.notSearched,
            toString: () => "'" + tag + "': " + sizeText(bytes) + (owners.records.length ? ", owner " + owners.records[0].Module : ""),
        };
    }
    function poolName(paged) {
        return paged ? "Paged" : "NonPaged";
    }
    /** The drivers whose images hold the tag's bytes, best first (the seed 000 author's `s -a` over every driver). */
    function searchOwners(ctx, tag) {
        const target = ctx.target;
        // Over KDNET reads run at ~8 MB/s: 16 MB of images is a couple of seconds, worth 10% steps.
        let progress = null;
        let verdict = null;
        const next = [];
        const search = findTagOwners(target, tagBytes(tag), (done, total) => {
            if (!progress)
                progress = new Progress(ctx.out, "Searching images for '" + tag + "'", total, total >= LARGE_IMAGE_SEARCH, bytesOf);
            progress.update(done);
        });
        ctx.out.line("");
        ctx.out.line(messages.ownersHeader(search.modulesSearched, sizeText(search.bytesSearched)));
        let symbolized = 0;
        const ownerRecords = search.owners.map((owner) => {
            const hits = owner.hits.map((h) => {
                let symbol = null;
                if (h.kind === "code" && owner.confidence !== "low" && symbolized < MAX_SYMBOLIZED) {
                    symbolized++;
                    symbol = target.symbolize(h.instructionAddress).symbol;
                }
                return hitRecord(target, owner.module.name, h, symbol);
            });
            return { owner, hits };
        });
        const records = ownerRecords.map((o) => ownerRecord(o.owner.module.name, o.owner.confidence, o.hits, o.owner.hitsNotKept));
        if (search.owners.length === 0)
            ctx.out.line(messages.noOwners(tag));
        else {
            ctx.out.lines(ownerTable(records, "Hit", HITS_SHOWN_PER_OWNER));
            for (const o of search.owners)
                for (const problem of o.problems)
                    ctx.out.line("  " + o.module.name + ": " + problem);
            for (const o of search.owners)
                if (o.hitsNotKept > 0)
                    ctx.out.line("  " + messages.ownerHitsNotKept(o.module.name, o.hitsNotKept, o.allocationsNotKept, tag));
            const best = search.owners[0];
            if (best.confidence === "high" && (search.owners.length === 1 || search.owners[1].confidence !== "high")) {
                const calls = best.hits.reduce((n, h) => n + h.allocatorCalls, 0);
                const first = best.hits.filter(isAllocation)[0];
                const firstRecord = ownerRecords[0].hits[best.hits.indexOf(first)];
                verdict = best.module.fileName + " allocates it (" + (firstRecord && firstRecord.Symbol ? firstRecord.Symbol : best.module.name + "+" + hex$2(first.rva - (first.address.distanceFrom(first.instructionAddress) || 0))) + (calls > 1 ? ", " + plural(calls, "allocator call") : "") + ")";
                // Commands to copy: the first allocation site disassembled, and the module's version and timestamp. Built
                // from addresses only: a module name read from the target never reaches a command line.
                const site = target.formatAddress(first.instructionAddress);
                next.push({ command: "u " + site + " L5", why: "the allocation site: the tag loaded, then the call" });
                next.push({ command: "lm v a " + site, why: best.module.fileName + "'s path, version and timestamp" });
            }
            else if (search.owners.length > 1 && search.owners[1].confidence === "high") {
                verdict = plural(search.owners.filter((o) => o.confidence === "high").length, "module") + " pass it to an allocator: " +
                    search.owners.filter((o) => o.confidence === "high").map((o) => o.module.fileName).join(", ");
            }
        }
        if (search.notSearched.length) {
            ctx.out.line(messages.notSearched(search.notSearched.length));
            for (const n of search.notSearched.slice(0, 20)) {
                ctx.out.line("  " + n.module + " " + n.section + " " + target.formatAddress(n.start) + ", " + sizeText(n.size) + ": " + n.reason);
            }
            if (search.notSearched.length > 20)
                ctx.out.line("  ... " + (search.notSearched.length - 20) + " more");
        }
        return {
            records,
            verdict,
            next,
            notSearched: search.notSearched.map((n) => ({
                Module: n.module,
                Section: n.section,
                Address: n.start,
                Size: n.size,
                Reason: n.reason,
                toString: () => n.module + " " + n.section + ": " + n.reason,
            })),
        };
    }
    /**
     * Tag `None`: ExAllocatePool writes it itself, so no driver image holds those bytes as its tag (ntoskrnl's own code
     * does, which would point at the kernel). The owners are the modules that import ExAllocatePool, found by name or
     * by IAT value as !findimporter finds them; searching every image for the bytes would cost the whole image search
     * over KDNET for nothing.
     */
    function untaggedOwners(ctx) {
        const target = ctx.target;
        const result = findImporters(target, "nt!ExAllocatePool");
        ctx.out.line("");
        if ("kind" in result) {
            ctx.out.line(messages.untaggedImportersUnknown());
            return { records: [], verdict: null, next: [{ command: '!findimporter "ExAllocatePool"', why: "its importers, once nt's symbols are loaded" }], notSearched: [] };
        }
        const modules = [];
        for (const m of result.matches)
            if (modules.indexOf(m.Module) < 0)
                modules.push(m.Module);
        // One importer is the allocator; with several, any of them may be.
        const confidence = modules.length === 1 ? "high" : "medium";
        const records = modules.map((module) => {
            const hits = result.matches
                .filter((m) => m.Module === module)
                .map((m) => {
                const text = target.formatAddress(m.IatAddress) + " " + module + " IAT slot of " + m.ImportedFrom + "!" + (m.Function || "ExAllocatePool") + " (matched by " + m.MatchedBy + ")";
                return { Address: m.IatAddress, InstructionAddress: null, Section: "IAT", Kind: "import", Instruction: null, Allocator: "ExAllocatePool", Use: "allocation", Wrapper: null, CallAddress: null, Moves: [], Symbol: module + " IAT slot", toString: () => text };
            });
            return ownerRecord(module, confidence, hits, 0);
        });
        ctx.out.line(messages.untaggedOwnersHeader(modules.length));
        if (records.length)
            ctx.out.lines(ownerTable(records, "Import", Infinity));
        // Built from an address only: a module name read from the target never reaches a command line.
        const next = [];
        if (records.length)
            next.push({ command: "lm v a " + target.formatAddress(result.matches[0].ModuleBase), why: "the first importer's path, version and timestamp" });
        next.push({ command: '!findimporter "ExAllocatePool"', why: "every importer with its range and IAT slot" });
        const verdict = modules.length === 0 ? null : modules.length === 1 ? modules[0] + " imports ExAllocatePool, so allocates it" : plural(modules.length, "module") + " import ExAllocatePool: " + modules.slice(0, 5).join(", ");
        return { records, verdict, next, notSearched: [] };
    }
    function usageTable(rows, fromPoolused) {
        return renderTable([
            { header: "Tag", value: (u) => "'" + u.tag + "'" },
            { header: "NonPaged outstanding", align: "right", value: (u) => groupDigits(outstandingOf(u, false, fromPoolused)) },
            { header: "NonPaged bytes", align: "right", value: (u) => sizeText(u.nonPagedBytes) },
            { header: "Paged outstanding", align: "right", value: (u) => groupDigits(outstandingOf(u, true, fromPoolused)) },
            { header: "Paged bytes", align: "right", value: (u) => sizeText(u.pagedBytes) },
        ], rows, "  ");
    }
    function hitRecord(target, module, h, symbol) {
        // A code hit is shown at its instruction (where u and lm point), a data hit at its bytes.
        const at = h.kind === "code" ? h.instructionAddress : h.address;
        const rva = h.rva - (h.address.distanceFrom(at) || 0);
        const named = symbol || module + "+" + hex$2(rva);
        const text = target.formatAddress(at) + " " + named + " (" + h.section + ") " + h.kind +
            (h.instruction ? " (" + h.instruction + ")" : "") +
            (h.moves.length ? " -> " + h.moves.join(" -> ") : "") +
            (h.allocator ? " -> call " + (h.wrapperRva !== null ? module + "+" + hex$2(h.wrapperRva) + " (wrapper) -> " : "") + h.allocator : "") +
            (h.use === "free" ? " (free)" : h.allocatorCalls > 1 ? " (" + h.allocatorCalls + " calls)" : "");
        const wrapper = h.wrapperRva !== null ? h.address.add(h.wrapperRva - h.rva) : null;
        return {
            Address: h.address,
            InstructionAddress: h.kind === "code" ? h.instructionAddress : null,
            Section: h.section,
            Kind: h.kind,
            Instruction: h.instruction,
            Allocator: h.allocator,
            Use: h.use,
            Wrapper: wrapper,
            CallAddress: h.callAddress,
            Moves: h.moves,
            Symbol: named,
            toString: () => text,
        };
    }
    /** Hits shown per owner in the table; dx @$leaktag("Tag").Owners has them all. */
    const HITS_SHOWN_PER_OWNER = 4;
    /** One line per hit: module, confidence, and the hit as text; allocation sites first, then free sites, then the rest. */
    function ownerTable(records, hitHeader, hitsPerOwner) {
        const lines = [];
        const rank = (h) => (h.Use === "allocation" ? 0 : h.Use === "free" ? 1 : 2);
        for (const r of records) {
            const shown = r.Hits.map((h, order) => ({ h, order })).sort((a, b) => rank(a.h) - rank(b.h) || a.order - b.order).slice(0, hitsPerOwner);
            for (const s of shown)
                lines.push({ module: r.Module, confidence: r.Confidence, hit: s.h });
        }
        return renderTable([
            { header: "Module", value: (l) => l.module },
            { header: "Confidence", value: (l) => l.confidence },
            { header: hitHeader, value: (l) => l.hit.toString() },
        ], lines, "  ");
    }
    function ownerRecord(module, confidence, hits, hitsNotKept) {
        return {
            Module: module,
            Confidence: confidence,
            Hits: hits,
            /** Hits found but not in Hits (never an allocator call, short of a corrupt image). */
            HitsNotKept: hitsNotKept,
            toString: () => module + " (" + confidence + ", " + hits.length + " hit" + (hits.length === 1 ? "" : "s") + (hitsNotKept ? ", " + hitsNotKept + " more not kept" : "") + ")",
        };
    }

    const pooltagsCommand = {
        name: "pooltags",
        takesNoArguments: true,
        usage: "dx @$pooltags()",
        summary: "Every pool tag: allocations, frees, outstanding and bytes, NonPaged and Paged",
        resultNoun: ["tag", "tags"],
        quietRepeats: true,
        keepsResult: true,
        help: {
            arguments: [],
            records: [
                { name: "Tags", text: "every tag in use, by name: Tag, NonPagedAllocs, NonPagedFrees, NonPagedOutstanding, NonPagedBytes, PagedAllocs, PagedFrees, PagedOutstanding, PagedBytes, Description" },
                { name: "Count, NonPagedBytes, PagedBytes", text: "how many tags, and their bytes in all" },
            ],
            examples: [
                { command: "dx -g @$pooltags().Tags.OrderByDescending(t => t.NonPagedBytes).Take(10)", text: "the ten largest NonPaged tags as a grid" },
                { command: 'dx @$pooltags().Tags.Where(t => t.Description.Contains("nt!io"))', text: "the I/O manager's tags" },
            ],
        },
        run(ctx) {
            if (!ctx.target.isKernel) {
                ctx.out.line(messages.needsKernel("pooltags"));
                return undefined;
            }
            // The answer leads (output conventions 1): what was read is said after it.
            const details = new BufferedPrinter(ctx.out);
            const read = readUsageOrSay(ctx.target, details);
            if (!read) {
                ctx.out.lines(details.buffer);
                return undefined;
            }
            const { usage, descriptions } = read;
            const nonPaged = usage.rows.reduce((n, u) => n + u.nonPagedBytes, 0);
            const paged = usage.rows.reduce((n, u) => n + u.pagedBytes, 0);
            ctx.out.line(plural(usage.rows.length, "tag") + " in use: " + sizeText(nonPaged) + " NonPaged, " + sizeText(paged) + " Paged.");
            ctx.out.lines(details.buffer);
            // Follow-ups with this target's values (output conventions 1): the largest tag by bytes, only when its name can
            // be typed inside dx quotes as it is.
            const largest = usage.rows.slice().sort((a, b) => b.nonPagedBytes + b.pagedBytes - (a.nonPagedBytes + a.pagedBytes))[0];
            const steps = [];
            if (largest && /^[\x21-\x7e ]{1,4}$/.test(largest.tag) && largest.tag.indexOf('"') < 0 && largest.tag.indexOf("\\") < 0) {
                steps.push({ command: '!leaktag "' + largest.tag.replace(/ +$/, "") + '"', why: "the driver that allocates the largest tag" });
            }
            steps.push(ctx.target.isDump
                ? { command: 'dx @$leaks("save", "C:\\\\cases\\\\before.json")', why: "keep these figures to compare a later dump with" }
                : { command: "dx @$leaks()", why: "a baseline of every tag; run it again after the target ran: the tags that grew" });
            ctx.out.lines(nextBlock(steps));
            const tags = usage.rows
                .slice()
                .sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0))
                .map((u) => usageRecord(u, tagDescription(usage, descriptions, u.tag), usage.fromPoolused));
            return {
                Tags: tags,
                Count: tags.length,
                NonPagedBytes: nonPaged,
                PagedBytes: paged,
                toString: () => plural(tags.length, "tag") + ", " + sizeText(nonPaged) + " NonPaged, " + sizeText(paged) + " Paged",
            };
        },
    };

    // Pool-tag snapshot files: `dx @$leaks("save", path)` writes one, `dx @$leaks("compare", path)` reads it back on
    // another target (a later dump, or the same live target after a while). The file is a leaktools snapshot
    // (src/snapshot/envelope.ts: format name, version, target facts) whose rows are tags, one per line (README,
    // "Snapshot files"). Pure: text in, records out.
    POOL_SNAPSHOT.format;
    /** The format version this build writes and the newest it reads. */
    const SNAPSHOT_VERSION = POOL_SNAPSHOT.version;
    const TAG_FIELDS = ["nonPagedAllocs", "nonPagedFrees", "nonPagedBytes", "pagedAllocs", "pagedFrees", "pagedBytes"];
    /** The file's text: the envelope and one line per tag. */
    function formatSnapshot(s) {
        const j = jsonAscii;
        const rows = s.tags.map((u) => "{" + j("tag") + ": " + j(u.tag) + ", " + TAG_FIELDS.map((f) => j(f) + ": " + u[f]).join(", ") + "}");
        return formatSnapshotFile({ kind: POOL_SNAPSHOT, version: s.version, writtenBy: s.writtenBy, target: s.target, source: s.source }, rows);
    }
    /** Parses and checks a pool-tag snapshot's text; every field is checked, a file is hostile input like target data. */
    function parseSnapshot(text, maxTags) {
        const seen = {};
        const checkTag = (e, i) => {
            // Tags are written as tagFromKey shows them: printable ASCII only (a control character would reach the output).
            if (!isObject(e) || typeof e.tag !== "string" || !/^[\x20-\x7e]{1,4}$/.test(e.tag))
                return { problem: "tag entry " + (i + 1) + ' has no "tag" of 1-4 printable characters' };
            if (seen["$" + e.tag])
                return { problem: "tag '" + e.tag + "' is listed twice" };
            seen["$" + e.tag] = true;
            const u = { tag: e.tag, key: 0, nonPagedAllocs: 0, nonPagedFrees: 0, nonPagedBytes: 0, pagedAllocs: 0, pagedFrees: 0, pagedBytes: 0 };
            for (const f of TAG_FIELDS) {
                const v = e[f];
                if (!isCount(v))
                    return { problem: "tag '" + e.tag + "': " + JSON.stringify(f) + " is not a whole number of 0 or more" };
                u[f] = v;
            }
            return { row: u };
        };
        const parsed = parseSnapshotFile(text, POOL_SNAPSHOT, maxTags, checkTag);
        if ("problem" in parsed)
            return parsed;
        const e = parsed.envelope;
        return { snapshot: { version: e.version, writtenBy: e.writtenBy, target: e.target, source: e.source, tags: parsed.rows } };
    }
    const totalBytes = (u) => u.nonPagedBytes + u.pagedBytes;
    const outstandingAllocs = (u) => outstanding(u.nonPagedAllocs, u.nonPagedFrees) + outstanding(u.pagedAllocs, u.pagedFrees);
    /** Tags whose bytes (nonpaged + paged) grew from `then` to `now`, largest growth first; a new tag grew from 0. */
    function tagGrowth(then, now) {
        const before = {};
        for (const u of then)
            before["$" + u.tag] = u;
        const present = {};
        const grown = [];
        let shrunk = 0;
        for (const u of now) {
            present["$" + u.tag] = true;
            const b = before["$" + u.tag];
            const bytesThen = b ? totalBytes(b) : 0;
            const delta = totalBytes(u) - bytesThen;
            if (delta < 0)
                shrunk++;
            if (delta <= 0)
                continue;
            grown.push({
                tag: u.tag,
                bytesThen,
                bytesNow: totalBytes(u),
                nonPagedDelta: u.nonPagedBytes - (b ? b.nonPagedBytes : 0),
                pagedDelta: u.pagedBytes - (b ? b.pagedBytes : 0),
                allocsDelta: outstandingAllocs(u) - (b ? outstandingAllocs(b) : 0),
            });
        }
        const gone = then.filter((u) => !present["$" + u.tag] && totalBytes(u) > 0).length;
        grown.sort((a, b) => b.bytesNow - b.bytesThen - (a.bytesNow - a.bytesThen) || (a.tag < b.tag ? -1 : 1));
        return { grown, shrunk, gone };
    }

    /** A snapshot holds one line per tag (about 150 characters) and tag tables hold at most 2^16 tags in practice: a
     *  file above 16 MB is not one of ours, and reading it whole would only pin the debugger's memory. */
    const MAX_SNAPSHOT_CHARS = 16 * 1024 * 1024;
    const TOP_GROWN = 30;
    /** The path argument checked for what dx does to backslashes; the path, or null after saying what is wrong. */
    function pathOrSay(ctx, verb, value) {
        const checked = checkPath(value);
        if ("path" in checked)
            return checked.path;
        const p = checked.problem;
        const path = String(value);
        ctx.out.line(p === "missing" ? messages.leaksFileUsage(verb, describeArg(value))
            : p === "mangled" ? messages.leaksPathMangled(checked.what, verb, checked.typed)
                : p === "invalid" ? messages.leaksPathInvalid(path.slice(0, 200), verb)
                    : messages.leaksPathDriveRelative(path, verb));
        return null;
    }
    function saveSnapshot(outer, path) {
        // The answer ("Saved ...") leads; what was read is said after it (output conventions 1).
        const notes = new BufferedPrinter(outer.out);
        const ctx = { target: outer.target, out: notes };
        const usage = readUsageSaying(ctx.target, ctx.out);
        if (!usage) {
            outer.out.lines(notes.buffer);
            return undefined;
        }
        const facts = readTargetFacts(ctx.target);
        if (facts.systemTimeMs === null)
            ctx.out.line(messages.leaksNoClock());
        const rows = usage.rows.slice().sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
        const source = usage.fromPoolused ? "!poolused 2" : "nt!PoolTrackTable";
        const text = formatSnapshot({ version: SNAPSHOT_VERSION, writtenBy: "leaktools " + VERSION, target: facts, source, tags: rows });
        const written = writeSnapshotFile(path, text);
        if (written.kind === "failed") {
            ctx.out.line(messages.leaksSaveFailed(path, written.detail));
            outer.out.lines(notes.buffer);
            return undefined;
        }
        if (written.kind === "refused") {
            outer.out.lines(notes.buffer);
            ctx.out = outer.out;
            const instead = written.suggestion === null ? null : 'dx @$leaks("save", "' + typedPath(written.suggestion) + '")';
            ctx.out.line(messages.snapshotSaveRefused(written.fullPath, written.reason, instead));
            return undefined;
        }
        const fullPath = written.fullPath;
        const nonPaged = rows.reduce((n, u) => n + u.nonPagedBytes, 0);
        const paged = rows.reduce((n, u) => n + u.pagedBytes, 0);
        outer.out.line("Saved " + plural(rows.length, "tag") + " to " + fullPath + " (snapshot format version " + SNAPSHOT_VERSION + ", " + groupDigits(text.length) +
            " bytes): " + sizeText(nonPaged) + " NonPaged, " + sizeText(paged) + " Paged in all, from " + source + ".");
        outer.out.lines(notes.buffer);
        ctx.out = outer.out;
        if (written.replaced !== null)
            ctx.out.line(messages.leaksSaveReplaced(fullPath, written.replaced));
        ctx.out.line("  Target: " + describeTarget(facts) + ".");
        ctx.out.line("  Target time: " + readableTime(facts.systemTimeMs) + " (KUSER_SHARED_DATA.SystemTime).");
        ctx.out.line("  Boot: " + describeBoot(facts) + ".");
        ctx.out.line("  Not saved: the computer name (it lives in the registry, which leaktools does not read from the target).");
        ctx.out.lines(nextBlock([{ command: 'dx @$leaks("compare", "' + typedPath(fullPath) + '")', why: ctx.target.isDump ? "on the later dump: the tags that grew since this one" : "on this target later (after g): the tags that grew" }]));
        return {
            Path: fullPath,
            Tags: rows.length,
            Replaced: written.replaced !== null,
            SystemTime: readableTime(facts.systemTimeMs),
            toString: () => "Saved " + plural(rows.length, "tag") + " to " + fullPath,
        };
    }
    function compareSnapshot(given, path) {
        let ctx = given;
        const read = readSnapshotText(path, MAX_SNAPSHOT_CHARS);
        if (read.kind === "missing") {
            ctx.out.line(messages.leaksFileMissing(read.fullPath, typedPath(read.fullPath)));
            return undefined;
        }
        if (read.kind === "unreadable") {
            ctx.out.line(messages.leaksFileUnreadable(path, read.detail));
            return undefined;
        }
        if (read.kind === "tooLarge") {
            ctx.out.line(messages.leaksFileTooLarge(read.fullPath, MAX_SNAPSHOT_CHARS));
            return undefined;
        }
        if (read.kind === "undecodable") {
            ctx.out.line(messages.snapshotUndecodable(read.fullPath, read.encoding));
            return undefined;
        }
        const fullPath = read.fullPath;
        const parsed = parseSnapshot(read.text, limits.maxPoolTrackEntries);
        if ("problem" in parsed) {
            const p = parsed.problem;
            ctx.out.line(p.kind === "empty" ? messages.leaksFileEmpty(fullPath)
                : p.kind === "truncated" ? messages.leaksFileTruncated(fullPath, p.detail)
                    : p.kind === "malformed" ? messages.leaksFileMalformed(fullPath, p.detail)
                        : p.kind === "notSnapshot" ? messages.leaksFileNotSnapshot(fullPath, p.detail)
                            : p.kind === "otherKind" ? messages.snapshotOtherKind(fullPath, p.other ? p.other.noun : p.format, POOL_SNAPSHOT.noun, p.other ? p.other.reader : null)
                                : messages.leaksFileNewer(fullPath, p.version, p.supported));
            return undefined;
        }
        const snapshot = parsed.snapshot;
        // The answer (which tag grew most, how fast) leads; what was read is said after it (output conventions 1).
        const outer = ctx;
        const notes = new BufferedPrinter(outer.out);
        ctx = { target: outer.target, out: notes };
        const usage = readUsageSaying(ctx.target, ctx.out);
        if (!usage) {
            outer.out.lines(notes.buffer);
            return undefined;
        }
        const { descriptions, files } = loadDescriptions(ctx.target);
        if (files.length)
            ctx.out.line("Descriptions: " + files.join(", ") + ".");
        const now = readTargetFacts(ctx.target);
        if (now.systemTimeMs === null)
            ctx.out.line(messages.leaksNoClock());
        const then = snapshot.target;
        ctx.out.line("Snapshot " + fullPath + " (format version " + snapshot.version + (snapshot.writtenBy ? ", " + snapshot.writtenBy : "") + "): " +
            plural(snapshot.tags.length, "tag") + " from " + snapshot.source + ", " + describeTarget(then) + ", target time " + readableTime(then.systemTimeMs) + ".");
        const elapsed = then.systemTimeMs !== null && now.systemTimeMs !== null ? (now.systemTimeMs - then.systemTimeMs) / 1000 : null;
        ctx.out.line("This target: " + describeTarget(now) + ", target time " + readableTime(now.systemTimeMs) +
            (elapsed === null ? " (the interval is unknown; rates are not shown)." : ": " + duration(elapsed) + (elapsed >= 0 ? " later." : " earlier.")));
        const warnings = compareFacts(then, now);
        for (const w of warnings) {
            if (w.kind === "snapshotLater")
                ctx.out.line(messages.leaksWarnLater(readableTime(w.thenMs), readableTime(w.nowMs)));
            else if (w.kind === "otherMachine")
                ctx.out.line(messages.leaksWarnOtherMachine(w.what));
            else if (w.kind === "reboot")
                ctx.out.line(messages.leaksWarnReboot(w.what));
        }
        if (snapshot.source !== (usage.fromPoolused ? "!poolused 2" : "nt!PoolTrackTable")) {
            ctx.out.line("Note: the snapshot's figures come from " + snapshot.source + " and this target's from " + (usage.fromPoolused ? "!poolused 2" : "nt!PoolTrackTable") + "; both count outstanding allocations and bytes.");
        }
        const { grown, shrunk, gone } = tagGrowth(snapshot.tags, usage.rows);
        const seconds = elapsed !== null && elapsed > 0 ? elapsed : null;
        const rate = (g) => (seconds === null ? null : (g.bytesNow - g.bytesThen) / seconds);
        // The Description and Owner columns of !leaktag's ranking: pooltag.txt's text and binary, or !poolused's text.
        const description = (tag) => describeTag(descriptions, tag) || usage.poolusedDescriptions.get(tag) || "";
        if (grown.length === 0) {
            outer.out.line(messages.leaksCompareNoGrowth(usage.rows.length));
            outer.out.lines(notes.buffer);
            return { Tags: [], Seconds: seconds, toString: () => "no tag grew" };
        }
        const top = grown[0];
        const topRate = rate(top);
        outer.out.line("'" + top.tag + "' grew the most: +" + sizeText(top.bytesNow - top.bytesThen) + (seconds === null ? "" : " in " + duration(seconds)) +
            (topRate === null ? "" : ", " + humanBytes(Math.round(topRate)) + "/s") + "; " + plural(grown.length, "tag") + " grew since the snapshot.");
        outer.out.lines(notes.buffer);
        ctx = outer;
        ctx.out.line("");
        ctx.out.line("Tags that grew (" + grown.length + " of " + plural(usage.rows.length, "tag") + (shrunk ? "; " + shrunk + " shrank" : "") + (gone ? "; " + gone + " no longer in use" : "") +
            (grown.length > TOP_GROWN ? "; the top " + TOP_GROWN + " shown" : "") + "):");
        ctx.out.lines(renderTable([
            { header: "Tag", value: (g) => "'" + g.tag + "'" },
            { header: "Bytes then", align: "right", value: (g) => sizeText(g.bytesThen) },
            { header: "Bytes now", align: "right", value: (g) => sizeText(g.bytesNow) },
            { header: "Delta", align: "right", value: (g) => "+" + sizeText(g.bytesNow - g.bytesThen) },
            { header: "Outstanding", align: "right", value: (g) => (g.allocsDelta >= 0 ? "+" : "") + groupDigits(g.allocsDelta) },
            { header: "Rate", align: "right", value: (g) => (rate(g) === null ? "?" : humanBytes(Math.round(rate(g))) + "/s") },
            { header: "Description", value: (g) => shortText(description(g.tag), 48) },
        ], grown.slice(0, TOP_GROWN), "  "));
        const steps = /^[\x21-\x7e ]{1,4}$/.test(top.tag) && top.tag.indexOf('"') < 0 && top.tag.indexOf("\\") < 0
            ? [{ command: '!leaktag "' + top.tag.replace(/ +$/, "") + '"', why: "the driver that allocates it" }]
            : [];
        ctx.out.lines(nextBlock(steps));
        const records = grown.map((g) => ({
            Tag: g.tag,
            BytesThen: g.bytesThen,
            BytesNow: g.bytesNow,
            BytesDelta: g.bytesNow - g.bytesThen,
            NonPagedDelta: g.nonPagedDelta,
            PagedDelta: g.pagedDelta,
            OutstandingDelta: g.allocsDelta,
            Seconds: seconds,
            BytesPerSecond: rate(g),
            Description: description(g.tag),
            toString: () => "'" + g.tag + "' +" + sizeText(g.bytesNow - g.bytesThen) + (rate(g) === null ? "" : ", " + humanBytes(Math.round(rate(g))) + "/s"),
        }));
        return { Tags: records, Seconds: seconds, toString: () => plural(records.length, "tag") + " grew since the snapshot" };
    }
    function shortText(text, max) {
        return text.length > max ? text.slice(0, max - 3) + "..." : text;
    }

    /** Snapshots kept; older ones are dropped (the trend shows the most recent). */
    const MAX_SNAPSHOTS = 32;
    const TOP_ON_DUMP = 20;
    /** Trend digits: 0 for the fewest bytes of the window, 9 for the most. ASCII, so the classic console shows them. */
    const SPARK = "0123456789";
    /**
     * The clock of @$leaks(): KUSER_SHARED_DATA.SystemTime, read from the target. Assumptions (jsprovider-api.md and
     * layouts.md are silent; from the WDK's ntddk.h/wdm.h): KUSER_SHARED_DATA is mapped at the fixed kernel address
     * KI_USER_SHARED_DATA (0xFFFFF780`00000000 on x64, 0xFFDF0000 on x86) and SystemTime, a KSYSTEM_TIME (LowPart,
     * High1Time, High2Time; 100 ns since 1601, UTC), is at +0x14 on every build. It is the target's wall clock, not the
     * debugger host's: it stands still while the target is broken in, so Seconds is the target time between the two
     * break-ins at which the snapshots were taken (and follows the target if someone sets its clock).
     */
    function systemTimeAddress(pointerSize) {
        return pointerSize === 8 ? new Address(0xfffff780, 0x14) : new Address(0, 0xffdf0014);
    }
    /** Seconds since 1601 from KSYSTEM_TIME (LowPart, High1Time; 100 ns units), or null when unreadable. */
    function targetSeconds(target) {
        const bytes = target.memory.read(systemTimeAddress(target.pointerSize), 12, "KUSER_SHARED_DATA.SystemTime", false);
        if (bytes instanceof Unreadable)
            return null;
        return (u32(bytes, 4) * 0x100000000 + u32(bytes, 0)) / 1e7;
    }
    function sparkline(values) {
        const min = Math.min.apply(null, values);
        const max = Math.max.apply(null, values);
        return values.map((v) => SPARK[max === min ? 0 : Math.round(((v - min) / (max - min)) * (SPARK.length - 1))]).join("");
    }
    const total = (u) => u.nonPagedBytes + u.pagedBytes;
    const allocs = (u) => u.nonPagedAllocs - u.nonPagedFrees + (u.pagedAllocs - u.pagedFrees);
    const leaksCommand = {
        name: "leaks",
        usage: 'dx @$leaks([op, "x.json"])',
        summary: 'Tags that grew since a snapshot; "reset", or "save"/"compare" a file across dumps',
        resultNoun: ["tag", "tags"],
        help: {
            arguments: [
                { name: "(none)", text: "live: the first call records a baseline, each later call lists the tags that grew since it" },
                { name: '"reset"', text: "forget the snapshots" },
                { name: '("save", "C:\\\\x.json")', text: "write the tag table and the target's clock, build and boot to a file (dump or live)" },
                { name: '("compare", "C:\\\\x.json")', text: "the tags that grew from that file to this target (the next dump, or later)" },
            ],
            records: [
                { name: "Tags", text: "the tags that grew: Tag, Bytes, BytesDelta, OutstandingDelta, Seconds, BytesPerSecond, Trend (compare: Tag, BytesThen, BytesNow, BytesDelta, NonPagedDelta, PagedDelta, OutstandingDelta, Seconds, BytesPerSecond, Description)" },
                { name: "Seconds, Snapshots", text: "the target time the growth was measured over, and how many snapshots" },
                { name: "Path, Replaced, SystemTime", text: "save: the file written, whether an earlier snapshot was replaced, the target's time" },
            ],
            examples: [
                { command: "dx @$leaks()", text: "a baseline; after g and a break-in, again: the tags that grew" },
                { command: 'dx @$leaks("save", "C:\\\\cases\\\\before.json")', text: "on the first dump" },
                { command: 'dx @$leaks("compare", "C:\\\\cases\\\\before.json")', text: "on the later dump" },
            ],
        },
        run(ctx, args) {
            const target = ctx.target;
            if (!target.isKernel) {
                ctx.out.line(messages.needsKernel("leaks"));
                return undefined;
            }
            if (args[0] === "save" || args[0] === "compare") {
                if (args.length > 2) {
                    ctx.out.line(messages.leaksFileUsage(args[0], args.length + " arguments"));
                    return undefined;
                }
                const path = pathOrSay(ctx, args[0], args[1]);
                if (path === null)
                    return undefined;
                return args[0] === "save" ? saveSnapshot(ctx, path) : compareSnapshot(ctx, path);
            }
            if (args.length > 1 || (args.length === 1 && args[0] !== "reset")) {
                ctx.out.line(messages.leaksUsage(describeArg(args[0])));
                return undefined;
            }
            if (args[0] === "reset") {
                sessionState.snapshots = [];
                ctx.out.line(messages.leaksReset());
                return undefined;
            }
            // The answer leads (output conventions 1): what was read is said after it.
            const notes = new BufferedPrinter(ctx.out);
            const usage = readUsageSaying(target, notes);
            if (!usage) {
                ctx.out.lines(notes.buffer);
                return undefined;
            }
            if (target.isDump) {
                const top = usage.rows.slice().sort((a, b) => total(b) - total(a)).slice(0, TOP_ON_DUMP);
                ctx.out.line(messages.leaksNeedLive());
                ctx.out.lines(notes.buffer);
                ctx.out.lines(renderTable([
                    { header: "Tag", value: (u) => "'" + u.tag + "'" },
                    { header: "Bytes", align: "right", value: (u) => sizeText(total(u)) },
                ], top, "  "));
                ctx.out.lines(nextBlock([
                    { command: 'dx @$leaks("save", "C:\\\\cases\\\\before.json")', why: "keep this dump's figures" },
                    { command: 'dx @$leaks("compare", "C:\\\\cases\\\\before.json")', why: "on the later dump: the tags that grew" },
                ]));
                const records = top.map((u) => ({ Tag: u.tag, Bytes: total(u), toString: () => "'" + u.tag + "' " + sizeText(total(u)) }));
                return { Tags: records, toString: () => "the " + plural(records.length, "largest tag") + " (a dump: no second snapshot)" };
            }
            const seconds = targetSeconds(target);
            if (seconds === null)
                notes.line(messages.leaksNoClock());
            const snapshot = { seconds: seconds === null ? NaN : seconds, usage: new Map() };
            for (const u of usage.rows)
                snapshot.usage.set(u.tag, u);
            const history = sessionState.snapshots;
            history.push(snapshot);
            if (history.length > MAX_SNAPSHOTS)
                history.splice(1, history.length - MAX_SNAPSHOTS); // Keep the baseline.
            if (history.length === 1) {
                ctx.out.line(messages.leaksBaseline(usage.rows.length));
                ctx.out.lines(notes.buffer);
                ctx.out.lines(nextBlock([{ command: "g", why: "let the target run; break in (Ctrl+Break) after a while" }, { command: "dx @$leaks()", why: "then: the tags that grew since this baseline" }]));
                return { Tags: [], Snapshots: 1, toString: () => "baseline of " + plural(usage.rows.length, "tag") };
            }
            const base = history[0];
            const elapsed = snapshot.seconds - base.seconds;
            const grown = [];
            snapshot.usage.forEach((u, tag) => {
                const before = base.usage.get(tag);
                const delta = total(u) - (before ? total(before) : 0);
                if (delta <= 0)
                    return;
                const series = history.map((s) => {
                    const v = s.usage.get(tag);
                    return v ? total(v) : 0;
                });
                grown.push({ u, delta, allocDelta: allocs(u) - (before ? allocs(before) : 0), trend: sparkline(series) });
            });
            grown.sort((a, b) => b.delta - a.delta);
            const secondsText = isNaN(elapsed) ? "?" : elapsed.toFixed(1);
            const rate = (delta) => (elapsed > 0 ? delta / elapsed : NaN);
            if (grown.length === 0) {
                ctx.out.line(messages.leaksNoGrowth(secondsText));
                ctx.out.lines(notes.buffer);
                return { Tags: [], Seconds: isNaN(elapsed) ? null : elapsed, Snapshots: history.length, toString: () => "no tag grew" };
            }
            const top = grown[0];
            ctx.out.line("'" + top.u.tag + "' grew the most: +" + sizeText(top.delta) + " in " + secondsText + " s" +
                (isNaN(rate(top.delta)) ? "" : ", " + humanBytes(Math.round(rate(top.delta))) + "/s") +
                " (" + (top.allocDelta >= 0 ? "+" : "") + groupDigits(top.allocDelta) + " outstanding); " + plural(grown.length, "tag") + " grew over " + history.length + " snapshots.");
            ctx.out.lines(notes.buffer);
            ctx.out.lines(renderTable([
                { header: "Tag", value: (g) => "'" + g.u.tag + "'" },
                { header: "Bytes", align: "right", value: (g) => sizeText(total(g.u)) },
                { header: "Delta", align: "right", value: (g) => "+" + sizeText(g.delta) },
                { header: "Outstanding", align: "right", value: (g) => (g.allocDelta >= 0 ? "+" : "") + groupDigits(g.allocDelta) },
                { header: "Rate", align: "right", value: (g) => (isNaN(rate(g.delta)) ? "?" : humanBytes(Math.round(rate(g.delta))) + "/s") },
                { header: "Trend", value: (g) => g.trend },
            ], grown, "  "));
            const steps = /^[\x21-\x7e ]{1,4}$/.test(top.u.tag) && top.u.tag.indexOf('"') < 0 && top.u.tag.indexOf("\\") < 0
                ? [{ command: '!leaktag "' + top.u.tag.replace(/ +$/, "") + '"', why: "the driver that allocates it" }]
                : [];
            ctx.out.lines(nextBlock(steps));
            const records = grown.map((g) => ({
                Tag: g.u.tag,
                Bytes: total(g.u),
                BytesDelta: g.delta,
                OutstandingDelta: g.allocDelta,
                Seconds: isNaN(elapsed) ? null : elapsed,
                BytesPerSecond: isNaN(rate(g.delta)) ? null : rate(g.delta),
                Trend: g.trend,
                toString: () => "'" + g.u.tag + "' +" + sizeText(g.delta) + " " + g.trend,
            }));
            return {
                Tags: records,
                Seconds: isNaN(elapsed) ? null : elapsed,
                Snapshots: history.length,
                toString: () => plural(records.length, "tag") + " grew over " + secondsText + " s",
            };
        },
    };

    /** A Windows path of sane length without control characters. */
    const PATH = /^[^\x00-\x1f"*?<>|]{3,260}$/;
    const pooltagfileCommand = {
        name: "pooltagfile",
        usage: '!pooltagfile "C:\\\\path\\\\tags.txt"',
        summary: "Use your own pooltag.txt descriptions in !leaktag and @$pooltags()",
        help: {
            arguments: [{ name: '"C:\\\\path\\\\tags.txt"', text: "a file in pooltag.txt format on the debugger's machine; inside dx quotes every backslash is doubled" }],
            records: [
                { name: "Path, Count, Encoding", text: "the file as read (full path), how many tags it describes, and its text encoding" },
                { name: "Tags", text: "one per tag in the file: Tag, Binary, Description" },
            ],
            examples: [{ command: '!pooltagfile "C:\\\\tags\\\\mytags.txt"', text: "your descriptions win over the debugger's for the rest of the session" }],
        },
        run(ctx, args) {
            const path = args[0];
            const controls = typeof path === "string" && args.length === 1 ? path.match(/[\x00-\x1f]/g) : null;
            if (controls) {
                // Single backslashes: dx turned \t, \b, \n ... into control characters before the script saw the path.
                ctx.out.line(messages.pathMangled(describeControls(controls), '!pooltagfile "' + typedPath(path) + '"'));
                return undefined;
            }
            if (typeof path !== "string" || !PATH.test(path) || args.length > 1) {
                ctx.out.line(messages.pooltagfileUsage(describeArg(path)));
                return undefined;
            }
            // Read as snapshots are (src/snapshot/file.ts): an editor may have saved the file as UTF-16 or with a UTF-8 mark.
            const read = readTextLines(path, limits.maxTagFileChars);
            if (read.kind !== "lines") {
                ctx.out.line(read.kind === "missing" ? messages.pooltagfileMissing(read.fullPath)
                    : read.kind === "unreadable" ? messages.pooltagfileUnreadable(path, read.detail)
                        : read.kind === "tooLarge" ? messages.pooltagfileTooLarge(read.fullPath, limits.maxTagFileChars)
                            : messages.pooltagfileUndecodable(read.fullPath, read.encoding));
                return undefined;
            }
            const tags = parsePoolTagFile(read.lines);
            sessionState.userPoolTagFile = read.fullPath;
            ctx.out.line(messages.pooltagfileLoaded(read.fullPath, tags.size, read.encoding));
            ctx.out.lines(nextBlock([{ command: "!leaktag", why: "the tags ranked by bytes, with these descriptions" }]));
            const out = [];
            for (const { tag, description: d } of tags.entries())
                out.push({ Tag: tag, Binary: d.binary, Description: d.description, toString: () => tag + " - " + d.description });
            // One record with the entries as a collection (output conventions 4): the ! form ends with a few fields, not a
            // line per tag of a file that may describe thousands.
            const fullPath = read.fullPath;
            return { Path: fullPath, Count: out.length, Encoding: read.encoding, Tags: out, toString: () => plural(out.length, "tag description") + " from " + fullPath };
        },
    };

    /** Modules from which the search prints progress every 10%. */
    const LARGE_MODULE_COUNT = 100;
    /** Importers named in the answer line; the table lists them all. */
    const IMPORTERS_NAMED = 5;
    const findimporterCommand = {
        name: "findimporter",
        usage: '!findimporter "Function"',
        summary: "Modules that import a function (by name or IAT value), redirected slots",
        resultNoun: ["import", "imports"],
        quietRepeats: true,
        keepsResult: true,
        help: {
            arguments: [
                { name: '"Function"', text: 'a function name, quoted: "ExAllocatePool", "nt!ExAllocatePool" (module-qualified), "ExAllocatePool*" (a pattern)' },
                { name: "address", text: "or a function's address, typed 0xfffff80712345678 (dx needs the 0x): slots holding that value" },
            ],
            records: [
                { name: "Importers", text: "one per import slot: Module, ModuleBase, ModuleEnd, Function, ImportedFrom, ByOrdinal, Ordinal, DelayLoad, IatAddress, Target, TargetModule, Redirected, NotYetResolved, MatchedBy, NamesReadable" },
                { name: "Count, Redirected", text: "slots found, and how many of them point outside the exporting module" },
                { name: "NotExamined", text: "modules whose import tables could not be read: Module, Base, Reason" },
            ],
            examples: [
                { command: '!findimporter "ExAllocatePool"', text: "every driver that imports it" },
                { command: '!findimporter "nt!ExAllocatePool*"', text: "every ExAllocatePool variant" },
                { command: 'dx @$findimporter("ExAllocatePool").Importers.Where(i => i.Redirected)', text: "hooked slots only" },
            ],
        },
        run(ctx, args) {
            const query = parseImporterQuery(args[0]);
            if ("kind" in query) {
                ctx.out.line(messages.findimporterUsage(query.tried));
                return undefined;
            }
            // Each module costs a few round trips over KDNET; from 100 modules on the search prints 10% steps.
            let progress = null;
            const result = findImporters(ctx.target, query, (done, total) => {
                if (!progress)
                    progress = new Progress(ctx.out, "Examining modules", total, total >= LARGE_MODULE_COUNT, countOf("modules"));
                progress.update(done);
            });
            if ("kind" in result) {
                ctx.out.line(messages.findimporterUsage(result.tried));
                return undefined;
            }
            const total = ctx.target.modules().length;
            if (total === 0) {
                ctx.out.line(messages.noModules());
                return undefined;
            }
            if (result.matches.length === 0 && result.functions.length === 0 && !query.isWildcard && query.name) {
                const tried = query.module ? query.module + "!" + query.name : ctx.target.isKernel ? "nt!" + query.name : query.name;
                ctx.out.line(messages.findimporterUnresolved('"' + query.text + '"', tried));
                printTrailer(ctx.target, result, (l) => ctx.out.line(l));
                return undefined;
            }
            const what = describeQuery(ctx.target, result);
            const shownQuery = query.address && !query.name ? "0x" + query.address.toHex() : query.text;
            // The answer: who imports it, and whether a slot was redirected.
            if (result.matches.length === 0)
                ctx.out.line(messages.findimporterNoMatch(shownQuery, result.examined));
            else {
                const modules = [];
                for (const m of result.matches)
                    if (modules.indexOf(m.Module) < 0)
                        modules.push(m.Module);
                const redirected = result.matches.filter((m) => m.Redirected).length;
                ctx.out.line(shownQuery + ": imported by " + plural(modules.length, "module") + " (" + modules.slice(0, IMPORTERS_NAMED).join(", ") +
                    (modules.length > IMPORTERS_NAMED ? " and " + (modules.length - IMPORTERS_NAMED) + " more" : "") + ")" +
                    (redirected ? "; " + plural(redirected, "slot") + " REDIRECTED (Redirected = YES below)" : "; no slot redirected") + ".");
            }
            ctx.out.line(messages.findimporterLooking(what, result.examined, total));
            for (const group of groupByFunction(result.matches)) {
                ctx.out.line("");
                ctx.out.line(group.name + ": " + plural(group.rows.length, "importer"));
                ctx.out.lines(table(ctx.target, group.rows));
            }
            printTrailer(ctx.target, result, (l) => ctx.out.line(l));
            ctx.out.lines(nextBlock(nextSteps$2(ctx.target, result.matches)));
            const matches = result.matches;
            const redirectedCount = matches.filter((m) => m.Redirected).length;
            return {
                Query: shownQuery,
                Count: matches.length,
                Redirected: redirectedCount,
                Importers: matches,
                NotExamined: result.notExamined.map((n) => ({ Module: n.Module, Base: n.Base, Reason: n.Reason, toString: () => n.Module + ": " + n.Reason })),
                toString: () => plural(matches.length, "import slot") + " of " + shownQuery + (redirectedCount ? ", " + redirectedCount + " redirected" : ""),
            };
        },
    };
    /** Built from addresses only: a module name read from the target never reaches a command line. */
    function nextSteps$2(target, matches) {
        if (matches.length === 0)
            return [];
        const redirected = matches.filter((m) => m.Redirected)[0];
        const first = redirected || matches[0];
        const steps = [];
        if (redirected && redirected.Target)
            steps.push({ command: "u " + target.formatAddress(redirected.Target) + " L8", why: "the code the redirected slot of " + redirected.Module + " points to" });
        steps.push({ command: "dps " + target.formatAddress(first.IatAddress) + " L1", why: "the slot of " + first.Module + " and where it points" });
        steps.push({ command: "lm v a " + target.formatAddress(first.ModuleBase), why: first.Module + "'s path, version and timestamp" });
        return steps;
    }
    function describeQuery(target, result) {
        const q = result.query;
        const resolved = result.functions.map((f) => (f.name ? f.display + " at " : "") + target.formatAddress(f.address));
        if (q.isWildcard)
            return '"' + q.text + '"' + (resolved.length ? " (" + resolved.length + " resolved to addresses)" : "");
        if (resolved.length)
            return resolved.join(", ");
        return '"' + q.text + '" (by name only: no address resolved)';
    }
    function groupByFunction(matches) {
        const groups = [];
        for (const m of matches) {
            const last = groups[groups.length - 1];
            if (last && last.name === m.Function)
                last.rows.push(m);
            else
                groups.push({ name: m.Function, rows: [m] });
        }
        return groups;
    }
    function table(target, rows) {
        const f = (a) => (a ? target.formatAddress(a) : "?");
        return renderTable([
            { header: "start", value: (m) => f(m.ModuleBase) },
            { header: "end", value: (m) => f(m.ModuleEnd) },
            { header: "module name", value: (m) => m.Module },
            { header: "ImportedFrom", value: (m) => m.ImportedFrom },
            { header: "Import", value: (m) => (!m.NamesReadable ? "unknown" : m.ByOrdinal ? "ordinal " + m.Ordinal : "name") + (m.DelayLoad ? ", delay-load" : "") },
            { header: "IatAddress", value: (m) => f(m.IatAddress) },
            { header: "Target", value: (m) => f(m.Target) + (m.TargetModule ? " (" + m.TargetModule + ")" : "") },
            { header: "Redirected", value: (m) => (m.Redirected ? "YES" : m.NotYetResolved ? "not yet resolved" : "no") },
            { header: "MatchedBy", value: (m) => m.MatchedBy },
        ], rows);
    }
    function printTrailer(target, result, line) {
        const unresolved = result.matches.filter((m) => m.NotYetResolved).length;
        if (unresolved) {
            line("");
            line(messages.findimporterNotYetResolved(unresolved));
        }
        if (result.namesUnreadable.length) {
            line("");
            line(messages.findimporterNamesUnreadable(result.namesUnreadable.join(", ")));
        }
        if (result.notExamined.length) {
            line("");
            line(messages.findimporterNotExamined());
            for (const n of result.notExamined)
                line("  " + target.formatAddress(n.Base) + "  " + n.Module + ": " + n.Reason);
        }
        if (result.problems.length) {
            line("");
            line(messages.findimporterProblems());
            for (const p of result.problems)
                line("  " + p.Module + ": " + p.Problem);
        }
        if (result.skippedModules > 0)
            line(messages.findimporterTooManyModules(result.skippedModules, workLimit("maxModules")));
    }

    // Structure layouts as data. A layout names the fields a decoder needs; variants give their offsets per Windows
    // build range and pointer size, each citing its source.
    /** The x64 kernel builds whose PDBs the layout test holds the built-in layouts against (test/fixtures/pdb-layouts). */
    const ALL_X64_PDBS = [7601, 9600, 14393, 17763, 18326, 18362, 19041, 20348, 22000];

    // User-mode NT heap structures read by !virtblocks. Source: research/layouts.md §1 (VR: Vergilius PDB dumps; R2:
    // WinDbg dt of ntdll; HS/DLG: third-party heap walkers). The seed article (001) shows Win7 SP1 x64:
    // `+0x118 VirtualAllocdBlocks`, and `dt nt!_HEAP_VIRTUAL_ALLOC_ENTRY` with CommitSize +0x20, BusyBlock +0x30.
    // The x64 variants are held against the kernel's copies of these types in Microsoft's PDBs (test/fixtures/
    // pdb-layouts; ntdll's are the same source compiled into ntdll): they split _HEAP's size by build and give
    // _SEGMENT_HEAP's counters from 1809 on.
    /** Windows 8: the first build with VirtualAllocdBlocks at +0x110 (x64) / +0x9C (x86) (layouts.md §1.1, HS). */
    const WIN8$2 = 9200;
    /** Windows 10 1903: the first build whose _SEGMENT_HEAP large-allocation counters layouts.md confirms (§1.8). */
    const WIN10_1903$1 = 18362;
    /** Windows 10 1809: the first build whose PDB has _SEGMENT_HEAP (its counters at the 1903 offsets). */
    const WIN10_1809$2 = 17763;
    const WIN10 = 10240;
    const WIN10_1607$1 = 14393;
    /** Windows Server 2022: _SEGMENT_HEAP grows to 0x840 (its PDB). */
    const SERVER_2022$2 = 20348;
    const HEAP_X64_OFFSETS = { SegmentSignature: 0x10, SegmentListEntry: 0x18, LastValidEntry: 0x48, NumberOfUnCommittedPages: 0x50, EncodeFlagMask: 0x7c, Encoding: 0x80, VirtualAllocdBlocks: 0x110, SegmentList: 0x120 };
    const HEAP = {
        module: "ntdll",
        typeName: "_HEAP",
        // SegmentListEntry, LastValidEntry and NumberOfUnCommittedPages are the _HEAP_SEGMENT fields the _HEAP begins with
        // (§1.1: "the _HEAP is also the first segment"); other segments are read with the same offsets.
        fields: ["SegmentSignature", "SegmentListEntry", "LastValidEntry", "NumberOfUnCommittedPages", "EncodeFlagMask", "Encoding", "VirtualAllocdBlocks", "SegmentList"],
        variants: [
            {
                label: "Windows 7 SP1 x64",
                pointerSize: 8,
                maxBuild: WIN8$2 - 1,
                size: 0x208,
                offsets: { SegmentSignature: 0x10, SegmentListEntry: 0x18, LastValidEntry: 0x48, NumberOfUnCommittedPages: 0x50, EncodeFlagMask: 0x7c, Encoding: 0x80, VirtualAllocdBlocks: 0x118, SegmentList: 0x128 },
                source: "layouts.md §1.1",
                checkedAgainst: [7601],
            },
            {
                label: "Windows 7 SP1 x86",
                pointerSize: 4,
                maxBuild: WIN8$2 - 1,
                size: 0x138,
                offsets: { SegmentSignature: 0x8, SegmentListEntry: 0x10, LastValidEntry: 0x28, NumberOfUnCommittedPages: 0x2c, EncodeFlagMask: 0x4c, Encoding: 0x50, VirtualAllocdBlocks: 0xa0, SegmentList: 0xa8 },
                source: "layouts.md §1.1",
            },
            {
                label: "Windows 8 and 8.1 x64",
                pointerSize: 8,
                minBuild: WIN8$2,
                maxBuild: WIN10 - 1,
                size: 0x298,
                offsets: HEAP_X64_OFFSETS,
                source: "layouts.md §1.1; size from build 9600's PDB",
                checkedAgainst: [9600],
            },
            {
                label: "Windows 10 1507-1607 x64",
                pointerSize: 8,
                minBuild: WIN10,
                maxBuild: WIN10_1607$1,
                size: 0x2a0,
                offsets: HEAP_X64_OFFSETS,
                source: "layouts.md §1.1; size from build 14393's PDB",
                checkedAgainst: [WIN10_1607$1],
            },
            {
                label: "Windows 10 1703 and later x64",
                pointerSize: 8,
                minBuild: WIN10_1607$1 + 1,
                size: 0x2c0,
                offsets: HEAP_X64_OFFSETS,
                source: "layouts.md §1.1",
                checkedAgainst: [17763, 18326, 18362, 19041, 20348, 22000],
            },
            {
                label: "Windows 8 and later x86",
                pointerSize: 4,
                minBuild: WIN8$2,
                size: 0x258,
                offsets: { SegmentSignature: 0x8, SegmentListEntry: 0x10, LastValidEntry: 0x28, NumberOfUnCommittedPages: 0x2c, EncodeFlagMask: 0x4c, Encoding: 0x50, VirtualAllocdBlocks: 0x9c, SegmentList: 0xa4 },
                source: "layouts.md §1.1",
            },
        ],
    };
    const HEAP_VIRTUAL_ALLOC_ENTRY = {
        module: "ntdll",
        typeName: "_HEAP_VIRTUAL_ALLOC_ENTRY",
        fields: ["Entry", "ExtraStuff", "CommitSize", "ReserveSize", "BusyBlock"],
        variants: [
            {
                label: "every x64 build",
                pointerSize: 8,
                size: 0x40,
                offsets: { Entry: 0, ExtraStuff: 0x10, CommitSize: 0x20, ReserveSize: 0x28, BusyBlock: 0x30 },
                sizes: { CommitSize: 8, ReserveSize: 8 },
                source: "layouts.md §1.4",
                checkedAgainst: ALL_X64_PDBS,
            },
            {
                label: "every x86 build",
                pointerSize: 4,
                size: 0x20,
                offsets: { Entry: 0, ExtraStuff: 0x8, CommitSize: 0x10, ReserveSize: 0x14, BusyBlock: 0x18 },
                sizes: { CommitSize: 4, ReserveSize: 4 },
                source: "layouts.md §1.4",
            },
        ],
    };
    /** _SEGMENT_HEAP large-allocation counters (pages). x64: at these offsets from 1809 (its PDB); x86: from 1903 (§1.8). */
    const SEGMENT_HEAP$1 = {
        module: "ntdll",
        typeName: "_SEGMENT_HEAP",
        fields: ["Signature", "LargeReservedPages", "LargeCommittedPages"],
        variants: [
            {
                label: "Windows 10 1809-22H2 x64",
                pointerSize: 8,
                minBuild: WIN10_1809$2,
                maxBuild: SERVER_2022$2 - 1,
                size: 0x800,
                offsets: { Signature: 0x10, LargeReservedPages: 0x58, LargeCommittedPages: 0x60 },
                sizes: { LargeReservedPages: 8, LargeCommittedPages: 8 },
                source: "layouts.md §1.8; 1809 from its PDB",
                checkedAgainst: [17763, 18326, 18362, 19041],
            },
            {
                label: "Windows Server 2022 and Windows 11 x64",
                pointerSize: 8,
                minBuild: SERVER_2022$2,
                size: 0x840,
                offsets: { Signature: 0x10, LargeReservedPages: 0x58, LargeCommittedPages: 0x60 },
                sizes: { LargeReservedPages: 8, LargeCommittedPages: 8 },
                source: "layouts.md §1.8; size from Server 2022's PDB",
                checkedAgainst: [SERVER_2022$2, 22000],
            },
            {
                label: "Windows 10 1903 and later x86",
                pointerSize: 4,
                minBuild: WIN10_1903$1,
                size: 0x580,
                offsets: { Signature: 0x8, LargeReservedPages: 0x4c, LargeCommittedPages: 0x50 },
                sizes: { LargeReservedPages: 4, LargeCommittedPages: 4 },
                source: "layouts.md §1.8",
            },
        ],
    };
    const NT_HEAP_SIGNATURE = 0xffeeffee;
    const SEGMENT_HEAP_SIGNATURE$1 = 0xddeeddee;
    /** _HEAP.EncodeFlagMask bit: heap entries are XOR-encoded with _HEAP.Encoding (§1.2, DLG). */
    const HEAP_ENCODING_ENABLED = 0x100000;
    /** _PEB.NtGlobalFlag FLG_USER_STACK_TRACE_DB (gflags +ust) (§1.5). */
    const FLG_USER_STACK_TRACE_DB = 0x1000;
    function heapConstants(pointerSize) {
        return pointerSize === 8
            ? { signatureOffset: 0x10, encodedEntryOffset: 8, peb: { NtGlobalFlag: 0xbc, NumberOfHeaps: 0xe8, ProcessHeaps: 0xf0, OSBuildNumber: 0x120 }, ustPrefix: 0x20 }
            : { signatureOffset: 0x8, encodedEntryOffset: 0, peb: { NtGlobalFlag: 0x68, NumberOfHeaps: 0x88, ProcessHeaps: 0x90, OSBuildNumber: 0xac }, ustPrefix: 0x10 };
    }
    function stackTraceLayout(pointerSize) {
        return pointerSize === 8
            ? { dbNumberOfEntriesAdded: 0xb4, dbEntryIndexArray: 0xb8, entryIndex: 0xc, entryDepth: 0xe, entryBackTrace: 0x10, entrySize: 0x110, maxDepth: 32 }
            : { dbNumberOfEntriesAdded: 0x60, dbEntryIndexArray: 0x64, entryIndex: 0x8, entryDepth: 0xa, entryBackTrace: 0xc, entrySize: 0x8c, maxDepth: 32 };
    }
    // --- NT heap walker (issue 20): the whole _HEAP walk, its LFH front end and the +ust header ---
    // Source: research/userheap-facts.md §2.1 (x64 from Microsoft's PDBs, held against them in test/unit/heap; x86 from
    // R2G's `dt ntdll!_HEAP` of Win7 x86, HeapStat's x86 constants and §10.6: Interceptor 0x58 on Win8+ x86), §3.1
    // (_HEAP_USERDATA_HEADER, _HEAP_SUBSEGMENT: R2G Win7 x86/Win10 x64, the Win11 ntdll dumps, HeapStat x86).
    /** Windows 8.1: the first build whose LFH offsets are encoded with ntdll!RtlpLFHKey (§3.3). */
    const WIN81$1 = 9600;
    /** The _HEAP fields the NT heap walker reads, per family (FrontEndHeap moves: 0x178 / 0x170 / 0x178 / 0x198 x64). */
    const NT_HEAP = {
        module: "ntdll",
        typeName: "_HEAP",
        fields: [
            "SegmentSignature", "SegmentListEntry", "FirstEntry", "LastValidEntry", "NumberOfUnCommittedPages", "UCRSegmentList", "Flags",
            "ForceFlags", "EncodeFlagMask", "Encoding", "Interceptor", "Signature", "VirtualAllocdBlocks", "SegmentList", "FrontEndHeap", "FrontEndHeapType",
        ],
        variants: [
            {
                label: "Windows 7 SP1 x64",
                pointerSize: 8,
                maxBuild: WIN8$2 - 1,
                size: 0x208,
                offsets: ntHeapX64(0x98, 0xa0, 0x118, 0x128, 0x178, 0x182),
                source: "userheap-facts.md §2.1; build 7601's PDB",
                checkedAgainst: [7601],
            },
            {
                label: "Windows 8 and 8.1 x64",
                pointerSize: 8,
                minBuild: WIN8$2,
                maxBuild: WIN10 - 1,
                size: 0x298,
                offsets: ntHeapX64(0x90, 0x98, 0x110, 0x120, 0x170, 0x17a),
                source: "userheap-facts.md §2.1; build 9600's PDB",
                checkedAgainst: [9600],
            },
            {
                label: "Windows 10 1507-1803 x64",
                pointerSize: 8,
                minBuild: WIN10,
                maxBuild: WIN10_1809$2 - 1,
                size: 0x2a0,
                offsets: ntHeapX64(0x90, 0x98, 0x110, 0x120, 0x178, 0x182),
                source: "userheap-facts.md §2.1; build 14393's PDB",
                checkedAgainst: [WIN10_1607$1],
            },
            {
                label: "Windows 10 1809 and later x64",
                pointerSize: 8,
                minBuild: WIN10_1809$2,
                size: 0x2c0,
                offsets: ntHeapX64(0x90, 0x98, 0x110, 0x120, 0x198, 0x1a2),
                source: "userheap-facts.md §2.1; the PDBs of 1809 to Windows 11",
                checkedAgainst: [17763, 18326, 18362, 19041, 20348, 22000],
            },
            {
                label: "Windows 7 SP1 x86",
                pointerSize: 4,
                maxBuild: WIN8$2 - 1,
                size: 0x138,
                offsets: ntHeapX86(0x5c, 0x64, 0xa0, 0xa8, 0xd4, 0xda),
                source: "userheap-facts.md §2.1 (dt ntdll!_HEAP of Win7 x86)",
            },
            {
                label: "Windows 8 to Windows 10 1803 x86",
                pointerSize: 4,
                minBuild: WIN8$2,
                maxBuild: WIN10_1809$2 - 1,
                size: 0x250,
                offsets: ntHeapX86(0x58, 0x60, 0x9c, 0xa4, 0xd0, 0xd6),
                source: "userheap-facts.md §2.1 and §10.6 (HeapStat's x86 constants; FrontEndHeap of 8/8.1, unconfirmed for 1507-1803)",
            },
            {
                label: "Windows 10 1809 and later x86",
                pointerSize: 4,
                minBuild: WIN10_1809$2,
                size: 0x258,
                offsets: ntHeapX86(0x58, 0x60, 0x9c, 0xa4, 0xe4, 0xea),
                source: "userheap-facts.md §2.1 and §10.6",
            },
        ],
    };
    function ntHeapX64(interceptor, signature, virtualAllocdBlocks, segmentList, frontEndHeap, frontEndHeapType) {
        return {
            SegmentSignature: 0x10, SegmentListEntry: 0x18, FirstEntry: 0x40, LastValidEntry: 0x48, NumberOfUnCommittedPages: 0x50, UCRSegmentList: 0x60,
            Flags: 0x70, ForceFlags: 0x74, EncodeFlagMask: 0x7c, Encoding: 0x80, Interceptor: interceptor, Signature: signature,
            VirtualAllocdBlocks: virtualAllocdBlocks, SegmentList: segmentList, FrontEndHeap: frontEndHeap, FrontEndHeapType: frontEndHeapType,
        };
    }
    function ntHeapX86(interceptor, signature, virtualAllocdBlocks, segmentList, frontEndHeap, frontEndHeapType) {
        return {
            SegmentSignature: 0x8, SegmentListEntry: 0x10, FirstEntry: 0x24, LastValidEntry: 0x28, NumberOfUnCommittedPages: 0x2c, UCRSegmentList: 0x38,
            Flags: 0x40, ForceFlags: 0x44, EncodeFlagMask: 0x4c, Encoding: 0x50, Interceptor: interceptor, Signature: signature,
            VirtualAllocdBlocks: virtualAllocdBlocks, SegmentList: segmentList, FrontEndHeap: frontEndHeap, FrontEndHeapType: frontEndHeapType,
        };
    }
    /** _HEAP_USERDATA_HEADER (LFH UserBlocks) of Windows 8 and later: EncodedOffsets and the busy bitmap (§3.1). */
    const HEAP_USERDATA_HEADER = {
        module: "ntdll",
        typeName: "_HEAP_USERDATA_HEADER",
        fields: ["SubSegment", "Signature", "EncodedOffsets", "BusyBitmap"],
        variants: [
            {
                label: "Windows 8 and later x64",
                pointerSize: 8,
                minBuild: WIN8$2,
                size: 0x38,
                offsets: { SubSegment: 0, Signature: 0x14, EncodedOffsets: 0x18, BusyBitmap: 0x20 },
                source: "userheap-facts.md §3.1 (dt ntdll of Win10 x64 and Windows 11)",
            },
            {
                label: "Windows 8 and later x86",
                pointerSize: 4,
                minBuild: WIN8$2,
                size: 0x20,
                offsets: { SubSegment: 0, Signature: 0xc, EncodedOffsets: 0x10, BusyBitmap: 0x14 },
                source: "userheap-facts.md §3.1 (HeapStat's x86 EncodedOffsets; the bitmap after it by field order, unconfirmed)",
            },
        ],
    };
    /** _HEAP_USERDATA_HEADER of Windows 7: no offsets, no bitmap; blocks start right after it (§3.1, §3.3). */
    const HEAP_USERDATA_HEADER_WIN7 = {
        module: "ntdll",
        typeName: "_HEAP_USERDATA_HEADER",
        fields: ["SubSegment", "Signature"],
        variants: [
            { label: "Windows 7 SP1 x64", pointerSize: 8, maxBuild: WIN8$2 - 1, size: 0x20, offsets: { SubSegment: 0, Signature: 0x18 }, source: "userheap-facts.md §3.1 (build 7601's PDB)" },
            { label: "Windows 7 SP1 x86", pointerSize: 4, maxBuild: WIN8$2 - 1, size: 0x10, offsets: { SubSegment: 0, Signature: 0xc }, source: "userheap-facts.md §3.1 (dt ntdll of Win7 x86)" },
        ],
    };
    /** _HEAP_SUBSEGMENT: the back pointer to UserBlocks, BlockSize (granules) and BlockCount (§3.1). */
    const HEAP_SUBSEGMENT = {
        module: "ntdll",
        typeName: "_HEAP_SUBSEGMENT",
        fields: ["UserBlocks", "BlockSize", "BlockCount"],
        variants: [
            { label: "Windows 7 SP1 x64", pointerSize: 8, maxBuild: WIN8$2 - 1, size: 0x30, offsets: { UserBlocks: 8, BlockSize: 0x18, BlockCount: 0x1c }, source: "userheap-facts.md §3.1 (build 7601's PDB)" },
            { label: "Windows 7 SP1 x86", pointerSize: 4, maxBuild: WIN8$2 - 1, size: 0x20, offsets: { UserBlocks: 4, BlockSize: 0x10, BlockCount: 0x14 }, source: "userheap-facts.md §3.1 (dt ntdll of Win7 x86)" },
            { label: "Windows 8 and later x64", pointerSize: 8, minBuild: WIN8$2, size: 0x40, offsets: { UserBlocks: 8, BlockSize: 0x24, BlockCount: 0x28 }, source: "userheap-facts.md §3.1 (dt ntdll of Win10 x64, Windows 11 size)" },
            { label: "Windows 8 and later x86", pointerSize: 4, minBuild: WIN8$2, size: 0x28, offsets: { UserBlocks: 4, BlockSize: 0x14, BlockCount: 0x18 }, source: "userheap-facts.md §3.1 (HeapStat's x86 constants)" },
        ],
    };
    /** _HEAP_UCR_DESCRIPTOR (§2.1: the kernel PDBs of x64, dt ntdll of Win7 x86; unchanged since Vista). */
    function ucrDescriptorLayout(pointerSize) {
        return pointerSize === 8 ? { SegmentEntry: 0x10, Address: 0x20, Size: 0x28, size: 0x30 } : { SegmentEntry: 0x8, Address: 0x10, Size: 0x14, size: 0x18 };
    }
    /** _HEAP.ForceFlags bit of a page-heap handle (HEAP_FLAG_PAGE_ALLOCS, §6). */
    const HEAP_FLAG_PAGE_ALLOCS = 0x01000000;
    /** _DPH_HEAP_ROOT.Signature, one page after a page-heap handle (§6). */
    const DPH_ROOT_SIGNATURE = 0xffeeddcc;
    /** _HEAP_USERDATA_HEADER.Signature of an LFH UserBlocks (§3.1). */
    const USERDATA_SIGNATURE = 0xf0e0d0c0;
    /** _HEAP.FrontEndHeapType of the LFH (§2.1). */
    const FRONT_END_LFH = 2;
    const DPH_STAMP_BUSY = 0xabcdbbbb;
    const DPH_STAMP_FREED = 0xabcdbbba;
    /** The light page heap's stamps (its blocks live in an NT heap, the root's NormalHeap; DbgHelpUtils, §6). */
    const DPH_LIGHT_STAMP_BUSY = 0xabcdaaaa;
    const DPH_LIGHT_STAMP_FREED = 0xabcdaaa9;
    function pageHeapLayout(pointerSize) {
        return pointerSize === 8
            ? { rootSignature: 0, busyNodesTable: 0x38, leftChild: 0x8, rightChild: 0x10, userAllocation: 0x20, userRequestedSize: 0x40, stackTrace: 0x60, nodeSize: 0x68, blockInfoSize: 0x40, blockInfoRequestedSize: 0x10, label: "the built-in page-heap layout for x64 (dt ntdll of Windows 10, not checked against a PDB)" }
            : { rootSignature: 0, busyNodesTable: 0x20, leftChild: 0x4, rightChild: 0x8, userAllocation: 0x10, userRequestedSize: 0x20, stackTrace: 0x30, nodeSize: 0x34, blockInfoSize: 0x20, blockInfoRequestedSize: 0x8, label: "the built-in page-heap layout for x86 (dt ntdll of Windows 7, not checked against a PDB)" };
    }

    /** A range read whole. */
    function wholeView(bytes) {
        return { bytes, holes: 0, readable: (offset, n) => offset + n <= bytes.length };
    }
    /** A range assembled from the readable pieces of a failed read; a page counts as readable only when covered whole. */
    function piecesView(address, size, pieces) {
        const bytes = new Uint8Array(size);
        const pages = Math.ceil(size / 0x1000);
        const ok = new Uint8Array(pages);
        for (const piece of pieces) {
            const offset = piece.start.distanceFrom(address);
            if (offset === null || offset >= size)
                continue;
            const n = Math.min(piece.bytes.length, size - offset);
            bytes.set(piece.bytes.subarray(0, n), offset);
            for (let p = Math.ceil(offset / 0x1000); p * 0x1000 + 0x1000 <= offset + n; p++)
                ok[p] = 1;
        }
        let holes = 0;
        for (let p = 0; p < pages; p++)
            if (!ok[p])
                holes++;
        return {
            bytes,
            holes,
            readable: (offset, n) => {
                if (offset + n > size)
                    return false;
                for (let p = Math.floor(offset / 0x1000); p * 0x1000 < offset + n && p < pages; p++)
                    if (!ok[p])
                        return false;
                return true;
            },
        };
    }

    const WIN10_1809$1 = 17763;
    const WIN10_1903 = 18362;
    const SERVER_2022$1 = 20348;
    const X64_1809 = [17763, 18326, 18362, 19041];
    const X64_2022 = [SERVER_2022$1, 22000];
    const X64_ALL = X64_1809.concat(X64_2022);
    function x64(label, min, max, size, offsets, sizes, checked, source) {
        return { label, pointerSize: 8, minBuild: min, maxBuild: max, size, offsets, sizes, source, checkedAgainst: checked };
    }
    function x86(size, offsets, sizes, source) {
        return { label: "Windows 10 1903 and later x86", pointerSize: 4, minBuild: WIN10_1903, size, offsets, sizes, source };
    }
    /** Same on every x64 build of the data set (1809 to Windows 11 21H2). */
    function everyX64(size, offsets, sizes, source = "kernel PDBs 17763-22000") {
        return x64("Windows 10 1809 and later x64", WIN10_1809$1, undefined, size, offsets, sizes, X64_ALL, source);
    }
    const USER_SEGMENT_HEAP = {
        module: "ntdll",
        typeName: "_SEGMENT_HEAP",
        fields: ["Signature", "GlobalFlags", "LargeAllocMetadata", "LargeReservedPages", "LargeCommittedPages", "SegContexts"],
        variants: [
            x64("Windows 10 1809-22H2 x64", WIN10_1809$1, SERVER_2022$1 - 1, 0x800, { Signature: 0x10, GlobalFlags: 0x14, LargeAllocMetadata: 0x48, LargeReservedPages: 0x58, LargeCommittedPages: 0x60, SegContexts: 0x100 }, { LargeReservedPages: 8, LargeCommittedPages: 8 }, X64_1809, "kernel PDBs 17763-19041"),
            x64("Windows Server 2022 and Windows 11 x64", SERVER_2022$1, undefined, 0x840, { Signature: 0x10, GlobalFlags: 0x14, LargeAllocMetadata: 0x48, LargeReservedPages: 0x58, LargeCommittedPages: 0x60, SegContexts: 0x140 }, { LargeReservedPages: 8, LargeCommittedPages: 8 }, X64_2022, "kernel PDBs 20348, 22000"),
            x86(0x500, { Signature: 0x8, GlobalFlags: 0xc, LargeAllocMetadata: 0x44, LargeReservedPages: 0x4c, LargeCommittedPages: 0x50, SegContexts: 0x100 }, { LargeReservedPages: 4, LargeCommittedPages: 4 }, "ntdiff/headers x86 _SEGMENT_HEAP.h"),
        ],
    };
    const USER_HEAP_SEG_CONTEXT = {
        module: "ntdll",
        typeName: "_HEAP_SEG_CONTEXT",
        fields: ["SegmentMask", "UnitShift", "FirstDescriptorIndex", "SegmentListHead"],
        variants: [
            everyX64(0xc0, { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48 }, { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1 }),
            x86(0x80, { SegmentMask: 0x0, UnitShift: 0x4, FirstDescriptorIndex: 0x6, SegmentListHead: 0x44 }, { SegmentMask: 4, UnitShift: 1, FirstDescriptorIndex: 1 }, "ntdiff/headers x86 _HEAP_SEG_CONTEXT"),
        ],
    };
    const USER_HEAP_PAGE_SEGMENT = {
        module: "ntdll",
        typeName: "_HEAP_PAGE_SEGMENT",
        fields: ["ListEntry", "Signature"],
        variants: [
            everyX64(0x2000, { ListEntry: 0x0, Signature: 0x10 }, { Signature: 8 }),
            x86(0x1000, { ListEntry: 0x0, Signature: 0x8 }, { Signature: 4 }, "x86 _HEAP_PAGE_SEGMENT dump (ntdiff/headers)"),
        ],
    };
    const USER_HEAP_PAGE_RANGE_DESCRIPTOR = {
        module: "ntdll",
        typeName: "_HEAP_PAGE_RANGE_DESCRIPTOR",
        fields: ["UnusedBytes", "ExtraPresent", "RangeFlags", "UnitSize"],
        variants: [
            everyX64(0x20, { UnusedBytes: 0x4, ExtraPresent: 0x8, RangeFlags: 0x18, UnitSize: 0x1f }, { UnusedBytes: 4, RangeFlags: 1, UnitSize: 1 }),
            x86(0x10, { UnusedBytes: 0x4, ExtraPresent: 0x8, RangeFlags: 0xc, UnitSize: 0xf }, { UnusedBytes: 4, RangeFlags: 1, UnitSize: 1 }, "x86 _HEAP_PAGE_RANGE_DESCRIPTOR dump (ntdiff/headers)"),
        ],
    };
    const USER_HEAP_VS_SUBSEGMENT = {
        module: "ntdll",
        typeName: "_HEAP_VS_SUBSEGMENT",
        fields: ["Size", "Signature"],
        variants: [
            everyX64(0x28, { Size: 0x20, Signature: 0x22 }, { Size: 2, Signature: 2 }),
            x86(0x18, { Size: 0x14, Signature: 0x16 }, { Size: 2, Signature: 2 }, "MemProcFS vmmheap.c (x86 VS subsegment)"),
        ],
    };
    const USER_HEAP_VS_CHUNK_HEADER = {
        module: "ntdll",
        typeName: "_HEAP_VS_CHUNK_HEADER",
        fields: ["Sizes", "AllocatedChunkBits"],
        variants: [
            everyX64(0x10, { Sizes: 0x0, AllocatedChunkBits: 0x8 }, { Sizes: 8, AllocatedChunkBits: 4 }),
            x86(0x8, { Sizes: 0x0, AllocatedChunkBits: 0x4 }, { Sizes: 4, AllocatedChunkBits: 4 }, "MemProcFS vmmheap.c (x86 chunk header: 8 bytes)"),
        ],
    };
    const USER_HEAP_LFH_SUBSEGMENT = {
        module: "ntdll",
        typeName: "_HEAP_LFH_SUBSEGMENT",
        fields: ["BlockCount", "WitheldBlockCount", "BlockOffsets", "BlockBitmap"],
        variants: [
            everyX64(0x38, { BlockCount: 0x22, WitheldBlockCount: 0x27, BlockOffsets: 0x28, BlockBitmap: 0x30 }, { BlockCount: 2, WitheldBlockCount: 1, BlockOffsets: 4 }),
            x86(0x24, { BlockCount: 0x12, WitheldBlockCount: 0x17, BlockOffsets: 0x18, BlockBitmap: 0x20 }, { BlockCount: 2, WitheldBlockCount: 1, BlockOffsets: 4 }, "the x64 layout with 4-byte pointers (inferred)"),
        ],
    };
    const USER_RTLP_HP_HEAP_GLOBALS = {
        module: "ntdll",
        typeName: "_RTLP_HP_HEAP_GLOBALS",
        fields: ["HeapKey", "LfhKey"],
        variants: [
            x64("Windows 10 1809-22H2 x64", WIN10_1809$1, SERVER_2022$1 - 1, 0x38, { HeapKey: 0x0, LfhKey: 0x8 }, { HeapKey: 8, LfhKey: 8 }, X64_1809, "kernel PDBs 17763-19041"),
            // Flags added at 0x38 from Server 2022 (the PDBs): the keys stay where they were.
            x64("Windows Server 2022 and Windows 11 x64", SERVER_2022$1, undefined, 0x40, { HeapKey: 0x0, LfhKey: 0x8 }, { HeapKey: 8, LfhKey: 8 }, X64_2022, "kernel PDBs 20348, 22000"),
            x86(0x1c, { HeapKey: 0x0, LfhKey: 0x4 }, { HeapKey: 4, LfhKey: 4 }, "userheap-facts §5.3 (DbgHelpUtils, MemProcFS)"),
        ],
    };
    /** A large block's metadata node. AllocatedPages and ExtraPresent are bit fields of the pointer-sized word at AllocatedPages. */
    const USER_HEAP_LARGE_ALLOC_DATA = {
        module: "ntdll",
        typeName: "_HEAP_LARGE_ALLOC_DATA",
        fields: ["TreeNode", "VirtualAddress", "AllocatedPages"],
        variants: [
            { label: "Windows 10 1809 and later x64", pointerSize: 8, minBuild: WIN10_1809$1, size: 0x28, offsets: { TreeNode: 0, VirtualAddress: 0x18, AllocatedPages: 0x20 }, sizes: { VirtualAddress: 8, AllocatedPages: 8 }, source: "dt ntdll!_HEAP_LARGE_ALLOC_DATA transcripts (userheap-facts §5.8)" },
            x86(0x14, { TreeNode: 0, VirtualAddress: 0xc, AllocatedPages: 0x10 }, { VirtualAddress: 4, AllocatedPages: 4 }, "userheap-facts §5.8"),
        ],
    };
    /** The walk's layouts, in the order it reads them. */
    const USER_SEGMENT_HEAP_LAYOUTS = {
        heap: USER_SEGMENT_HEAP,
        segContext: USER_HEAP_SEG_CONTEXT,
        pageSegment: USER_HEAP_PAGE_SEGMENT,
        descriptor: USER_HEAP_PAGE_RANGE_DESCRIPTOR,
        vsSubsegment: USER_HEAP_VS_SUBSEGMENT,
        vsChunk: USER_HEAP_VS_CHUNK_HEADER,
        lfhSubsegment: USER_HEAP_LFH_SUBSEGMENT,
        globals: USER_RTLP_HP_HEAP_GLOBALS,
        largeAlloc: USER_HEAP_LARGE_ALLOC_DATA,
    };

    // The kernel pool's segment heap (Windows 10 1809 and later, x64): every busy small block of a tag, walked from
    // nt!ExPoolState down to each _POOL_HEADER. Pure logic over bytes read through a SegmentHeapReader; layouts are
    // resolved by the caller (symbols first, src/layouts/segment-heap.ts otherwise).
    //
    // Encoding facts, with their sources, each validated on every decode here:
    //  - Page segment signature: Signature == SegContext ^ PageSegment ^ RtlpHpHeapGlobals.HeapKey ^ 0xA2E64EADA2E64EAD.
    //    The kernel's own check (RtlpHpSegDescriptorValidate, in public decompilations of ntoskrnl) compares
    //    `SegContext ^ Segment ^ HeapKey ^ *(Segment+0x10)` with 0xA2E64EADA2E64EAD; MemProcFS (ufrisk/MemProcFS,
    //    vmm/vmmheap.c, VmmHeapAlloc_SegInit) decodes `Signature ^ segment ^ HeapKey ^ 0xa2e64eada2e64ead` and requires
    //    one of the heap's two segment contexts. From build 26100 (Windows 11 24H2) the constant is gone: MemProcFS
    //    (vmmwinpool.c, VmmWinPool_AllPool1903_Offsets; vmmheap.c) uses 0 there. The walk tries both and keeps the one a
    //    signature confirms (encodingOf), so a build it does not know is still read right. P. Fariello and C. Bayet,
    //    "Scoop the Windows 10 pool!" (SSTIC 2020), describe the kernel pool's use of the segment heap (recalled).
    //  - Heaps: each pool node's Heaps[4] and ExPoolState.SpecialHeaps[4], index 0 NonPagedPool, 1 NonPagedPoolNx,
    //    2 and 3 PagedPool (MemProcFS vmmwinpool.c, VmmWinPool_AllPool1903_1_HeapMgr, and PoolViewer's GetAllHeaps, which
    //    both walk the two arrays).
    //  - Range descriptors: descriptor i covers unit i (i << UnitShift bytes into the segment); a range's first
    //    descriptor holds UnitSize; walking starts at the context's FirstDescriptorIndex. RangeFlags 0x0B is an LFH
    //    subsegment, 0x0F a VS subsegment, 0x03 a large range (MemProcFS, VmmHeapAlloc_SegRangeDescriptor; the kernel
    //    decompilation tests bit 0 (allocated) and bit 1 (first descriptor)).
    //  - VS subsegment: valid when Size == Signature ^ 0x2BED; chunks start 0x30 bytes in and run to the end of the range
    //    the page range descriptor gives. Size is used only against the signature: the sources read it two ways (16-byte
    //    units after the 0x30-byte header, userheap-facts.md 10.3 and DbgHelpUtils heap_vs_subsegment.cpp, which rounds
    //    Size * 16 up to a page; or units from the subsegment's start, older DbgHelpUtils), and a walk bounded by
    //    Size * 16 from the start would miss a chunk in the last 0x30 bytes under the first. MemProcFS (vmmwinpool.c,
    //    VS_DoWork) also walks to the range's end; test/e2e/poolallocs.test.ts holds both readings. Each chunk header's
    //    HeaderBits is encoded with HeapKey ^ (the chunk header's address); decoded, UnsafeSize (bits 16-31) is the
    //    chunk's size in 16-byte units and Allocated (bits 48-55) is odd for a busy chunk (MemProcFS VmmHeapAlloc_SegVS;
    //    the bit positions are the PDB's _HEAP_VS_CHUNK_HEADER_SIZE). In the kernel pool the _POOL_HEADER follows the
    //    16-byte chunk header, except that a block under 0xFF0 bytes that would cross a page starts at the next page
    //    (MemProcFS: "pool header will be found at start of new page").
    //  - LFH subsegment: BlockOffsets.EncodedData ^ (ULONG)LfhKey ^ shift gives BlockSize (low 16 bits) and
    //    FirstBlockOffset (high 16 bits), where shift is (ULONG)subsegment >> 12 before build 26100 and
    //    (ULONG)(subsegment >> 12) from 26100 on (MemProcFS VmmWinPool_AllPool1903_5_LFH_DoWork and VmmHeapAlloc_SegLFH:
    //    the two differ in bits 20-31 for kernel addresses; Y. Shafir's PoolViewer, PoolData.cpp
    //    FindPoolBlocksInLfhSubsegment, written before 26100, decodes `EncodedData ^ (ULONG)LfhKey ^
    //    ((ULONG)(ULONG_PTR)LfhSubsegment >> 0xc)`). BlockBitmap holds two bits per block; the first is busy (PoolViewer
    //    tests it; MemProcFS lists a block only when the pair is exactly 01, so a block with both bits set is listed here
    //    and not there). A block that would cross a page is never handed out (the pool's
    //    _RTL_HP_LFH_CONFIG.WitholdPageCrossingBlocks; MemProcFS and PoolViewer both skip such slots), and BlockCount
    //    counts such withheld slots out while they keep their positions: every position up to the subsegment's end is
    //    walked (MemProcFS's LFH loop), BlockCount is only a sanity check. Each block starts
    //    with its _POOL_HEADER, whose BlockSize x 16 is the slot's size (MemProcFS VmmWinPool_AllPool_PushItem checks it).
    //  - Big allocations served from VS chunks are also in nt!PoolBigPageTable (MemProcFS skips those VS blocks as
    //    duplicates; PoolViewer reads chunks over a page as data with no pool header): the walk leaves out a block that
    //    lies inside a big allocation's range, under either reading.
    //  - _POOL_HEADER: BlockSize (bits 0-7 of the USHORT at +2) x 16 is the block size !pool shows; PoolTag at +4.
    const SEGMENT_SIGNATURE_XOR = new Address(0xa2e64ead, 0xa2e64ead);
    /** The first build whose page segment signatures carry no constant and whose LFH offsets shift the whole address. */
    const ENCODING_CHANGE_BUILD = 26100;
    function encodingOfBuild(build) {
        return build !== null && build >= ENCODING_CHANGE_BUILD ? "26100 and later" : "before 26100";
    }
    const VS_SIGNATURE_XOR$1 = 0x2bed;
    const RANGE_LFH = 0x0b;
    const RANGE_VS = 0x0f;
    /** First VS chunk: the 0x28-byte _HEAP_VS_SUBSEGMENT rounded up to 16 (MemProcFS oVsChunkHdr = 0x30). */
    const VS_FIRST_CHUNK = 0x30;
    const POOL_HEADER_BYTES = 16;
    /** Blocks this large or larger carry no meaningful BlockSize (8 bits of 16-byte units; MemProcFS cbBigPoolThreshold). */
    const BIG_THRESHOLD = 0xfe0;
    /** Bytes of each block kept for the preview and the pointer scan. */
    const KEPT_BYTES = 256;
    /** Descriptors in a page segment: DescArray is _HEAP_PAGE_RANGE_DESCRIPTOR [256] in every PDB of the slices. */
    const DESCRIPTORS_PER_SEGMENT = 256;
    /** Pool nodes at most: PoolNode is _EX_HEAP_POOL_NODE [64] in every PDB of the slices. */
    const MAX_POOL_NODES = 64;
    /** Heaps per node: Heaps is _SEGMENT_HEAP * [4]. */
    const HEAPS_PER_NODE = 4;
    /** The heaps of a pool node (and the special heaps), by index (MemProcFS vmmwinpool.c, see the header comment). */
    const HEAP_NAMES = ["NonPaged", "NonPagedNx", "Paged", "Paged (heap 3)"];
    function poolOfHeap(index) {
        return index >= 2 ? "Paged" : "NonPaged";
    }
    function heapName(heap) {
        return (heap.node < 0 ? "special " : "") + HEAP_NAMES[heap.index];
    }
    /** x ^ y on 64-bit addresses. */
    function xor64(a, b) {
        return new Address((a.hi ^ b.hi) >>> 0, (a.lo ^ b.lo) >>> 0);
    }
    /** Canonical kernel-space address (x64): the top 17 bits set. */
    function isKernelAddress(a) {
        return a.hi >= 0xffff8000;
    }
    /** The context a page segment's signature names: Signature ^ segment ^ HeapKey (^ 0xA2E64EADA2E64EAD before 26100). */
    function decodeSegmentSignature(signature, segment, heapKey, encoding) {
        const owner = xor64(xor64(signature, segment), heapKey);
        return encoding === "before 26100" ? xor64(owner, SEGMENT_SIGNATURE_XOR) : owner;
    }
    /** Which encoding makes a page segment's signature name its context, the build's first; null when neither does. */
    function encodingOf(signature, segment, heapKey, context, preferred) {
        const other = preferred === "before 26100" ? "26100 and later" : "before 26100";
        for (const e of [preferred, other])
            if (decodeSegmentSignature(signature, segment, heapKey, e).equals(context))
                return e;
        return null;
    }
    /** A VS chunk header decoded: its size in bytes and whether it is busy; HeaderBits ^ HeapKey ^ header address. */
    function decodeVsChunkHeader(headerBits, chunk, heapKey) {
        const d = xor64(xor64(headerBits, chunk), heapKey);
        return { bytes: (d.lo >>> 16) * 16, allocated: ((d.hi >>> 16) & 0xff & 1) === 1 };
    }
    /** LFH BlockOffsets decoded: EncodedData ^ (ULONG)LfhKey ^ the subsegment's address shifted as the encoding does it. */
    function decodeLfhOffsets$1(encoded, lfhKeyLow, subsegment, encoding) {
        const shifted = encoding === "before 26100" ? subsegment.lo >>> 12 : ((subsegment.hi << 20) | (subsegment.lo >>> 12)) >>> 0;
        const d = (encoded ^ lfhKeyLow ^ shifted) >>> 0;
        return { blockSize: d & 0xffff, firstBlockOffset: d >>> 16 };
    }
    /** Bit 0 of block i's two bits in the LFH bitmap. */
    function lfhBlockBusy(bitmap, offset, index) {
        return ((bitmap[offset + (index >> 2)] >> ((index & 3) * 2)) & 1) === 1;
    }
    /** Where the pool header of a busy VS chunk lies, as an offset from the chunk header (see the header comment). */
    function vsPoolHeaderOffset(chunk, chunkBytes) {
        const blockBytes = chunkBytes - 16;
        const inPage = (chunk.lo + 16) & 0xfff;
        // MemProcFS's threshold is 0x1040, not 0x1000: a block may run up to 0x40 bytes into the next page in place.
        if (blockBytes < 0xff0 && inPage + blockBytes > 0x1040)
            return 16 + (0x1000 - inPage);
        return 16;
    }
    /** The heaps of every pool node (NumberOfPools nodes, capped at the array's 64, four heap pointers each), then the special heaps. */
    function readPoolHeaps(reader, stateAt, layouts, problems) {
        const s = layouts.state;
        const countBytes = reader.read(stateAt.add(s.offsets.NumberOfPools), 4, "nt!ExPoolState.NumberOfPools");
        if (countBytes instanceof Unreadable) {
            problems.push(countBytes.describe(8) + "; no heap could be walked");
            return null;
        }
        let nodes = u32(countBytes, 0);
        if (nodes === 0 || nodes > MAX_POOL_NODES) {
            problems.push("nt!ExPoolState.NumberOfPools is " + nodes + "; " + (nodes === 0 ? "no node was walked" : "only the first " + MAX_POOL_NODES + " nodes were walked"));
            nodes = Math.min(Math.max(nodes, 0), MAX_POOL_NODES);
        }
        const heaps = [];
        const seen = new Set();
        // Node -1: ExPoolState.SpecialHeaps, _SEGMENT_HEAP * [3] up to 1909 and [4] from 2004 (the PDBs); 3 when the
        // size is not known, so that no pointer past the array is taken for a heap.
        const specialCount = Math.min(HEAPS_PER_NODE, Math.floor((s.sizes.SpecialHeaps || 24) / 8));
        for (let node = 0; node <= nodes; node++) {
            const special = node === nodes;
            const at = special ? stateAt.add(s.offsets.SpecialHeaps) : stateAt.add(s.offsets.PoolNode + node * layouts.node.size + layouts.node.offsets.Heaps);
            const where = special ? "the special heaps" : "pool node " + node;
            const count = special ? specialCount : HEAPS_PER_NODE;
            const bytes = reader.read(at, count * 8, special ? "nt!ExPoolState.SpecialHeaps" : "pool node " + node + " heaps");
            if (bytes instanceof Unreadable) {
                problems.push(bytes.describe(8) + "; " + where + " skipped");
                continue;
            }
            for (let index = 0; index < count; index++) {
                const heap = u64Address(bytes, index * 8);
                if (heap.isNull || seen.has(heap.key))
                    continue;
                seen.add(heap.key);
                if (!isKernelAddress(heap)) {
                    problems.push(where + " heap " + index + " is " + reader.format(heap) + ", outside kernel space; skipped");
                    continue;
                }
                heaps.push({ address: heap, node: special ? -1 : node, index });
            }
        }
        return heaps;
    }
    /**
     * Phase 1, metadata only: each heap's two segment contexts, their page segments (list walked with a visited set,
     * links checked to be kernel addresses aligned to the segment size, signatures decoded), and the LFH and VS
     * subsegments their range descriptors name.
     */
    function walkSegmentMetadata(reader, heaps, heapKey, layouts, maxSegments, buildEncoding) {
        const result = { heaps, segments: 0, encoding: null, subsegments: [], metadataBytes: 0, problems: [] };
        const c = layouts.segContext;
        let failedSignatures = 0;
        let goodSignatures = 0;
        for (const heap of heaps) {
            const name = "heap " + reader.format(heap.address) + " (" + (heap.node < 0 ? "" : "node " + heap.node + ", ") + heapName(heap) + ")";
            const contextsAt = heap.address.add(layouts.heap.offsets.SegContexts);
            const contexts = reader.read(contextsAt, 2 * c.size, name + " segment contexts");
            if (contexts instanceof Unreadable) {
                result.problems.push(contexts.describe(8) + "; " + name + " skipped");
                continue;
            }
            result.metadataBytes += 2 * c.size;
            for (let ci = 0; ci < 2; ci++) {
                const base = ci * c.size;
                const contextAt = contextsAt.add(base);
                const unitShift = u8(contexts, base + c.offsets.UnitShift);
                const firstDescriptor = u8(contexts, base + c.offsets.FirstDescriptorIndex);
                const mask = u64Address(contexts, base + c.offsets.SegmentMask);
                if (unitShift < 12 || unitShift > 20 || firstDescriptor >= DESCRIPTORS_PER_SEGMENT) {
                    result.problems.push(name + " segment context " + ci + ": UnitShift " + unitShift + ", FirstDescriptorIndex " + firstDescriptor + " are not a segment heap's; skipped");
                    continue;
                }
                const segmentBytes = DESCRIPTORS_PER_SEGMENT * Math.pow(2, unitShift);
                // SegmentMask clears the offset inside a segment (~(segment size - 1)); a different mask is a different heap.
                if (mask.hi !== 0xffffffff || ((~mask.lo) >>> 0) + 1 !== segmentBytes) {
                    result.problems.push(name + " segment context " + ci + ": SegmentMask " + reader.format(mask) + " does not match UnitShift " + unitShift + "; skipped");
                    continue;
                }
                const head = contextAt.add(c.offsets.SegmentListHead);
                const headBytes = contexts.subarray(base + c.offsets.SegmentListHead, base + c.offsets.SegmentListHead + 8);
                let link = u64Address(headBytes, 0);
                const visited = new Set();
                let walked = 0;
                while (!link.equals(head)) {
                    if (!isKernelAddress(link) || link.lo % segmentBytes !== 0) {
                        result.problems.push(name + ": segment list link " + reader.format(link) + " is " + (isKernelAddress(link) ? "not aligned to a segment" : "outside kernel space") + "; the rest of the list was not followed");
                        break;
                    }
                    if (visited.has(link.key)) {
                        result.problems.push(name + ": segment list loops back to " + reader.format(link) + " after " + walked + " segments; stopped there");
                        break;
                    }
                    if (walked >= maxSegments) {
                        result.problems.push(name + ": more than " + maxSegments + " segments in one list; the rest was not followed");
                        break;
                    }
                    visited.add(link.key);
                    walked++;
                    const segment = link;
                    const bytes = reader.read(segment, layouts.pageSegment.size, "page segment");
                    if (bytes instanceof Unreadable) {
                        result.problems.push(name + ": page segment " + reader.format(segment) + " is unreadable; the rest of the list was not followed");
                        break;
                    }
                    result.metadataBytes += bytes.length;
                    result.segments++;
                    link = u64Address(bytes, layouts.pageSegment.offsets.ListEntry);
                    const signature = u64Address(bytes, layouts.pageSegment.offsets.Signature);
                    const encoding = encodingOf(signature, segment, heapKey, contextAt, result.encoding || buildEncoding);
                    if (!encoding) {
                        failedSignatures++;
                        const owner = decodeSegmentSignature(signature, segment, heapKey, result.encoding || buildEncoding);
                        result.problems.push(name + ": page segment " + reader.format(segment) + " signature does not decode to its context (decodes to " + reader.format(owner) + "); its subsegments were skipped");
                        continue;
                    }
                    if (!result.encoding)
                        result.encoding = encoding;
                    goodSignatures++;
                    rangesOf$1(bytes, segment, unitShift, firstDescriptor, heap, layouts, result, name, reader);
                }
            }
        }
        if (failedSignatures > 0 && goodSignatures === 0) {
            result.problems.push("No page segment's signature decoded with nt!RtlpHpHeapGlobals.HeapKey (" + failedSignatures + " tried): the key read is not the one the heaps were encoded with");
        }
        return result;
    }
    function rangesOf$1(bytes, segment, unitShift, firstDescriptor, heap, layouts, result, name, reader) {
        const d = layouts.descriptor;
        const unit = Math.pow(2, unitShift);
        let i = firstDescriptor;
        while (i < DESCRIPTORS_PER_SEGMENT) {
            const at = i * d.size;
            if (at + d.size > bytes.length)
                break;
            const flags = u8(bytes, at + d.offsets.RangeFlags);
            const units = u8(bytes, at + d.offsets.UnitSize);
            const step = Math.max(1, units);
            if (flags === RANGE_LFH || flags === RANGE_VS) {
                if (i + units > DESCRIPTORS_PER_SEGMENT) {
                    result.problems.push(name + ": descriptor " + i + " of page segment " + reader.format(segment) + " claims " + units + " units, past the segment's end; the rest of the segment was skipped");
                    break;
                }
                result.subsegments.push({ address: segment.add(i * unit), size: units * unit, kind: flags === RANGE_LFH ? "LFH" : "VS", heap });
            }
            i += step;
        }
    }
    /** Phase 2: each subsegment's pages once, in one read (page by page only where that read fails). */
    function walkSubsegments(reader, subsegments, keys, layouts, options) {
        const out = { blocks: [], busyBlocks: 0, bytesWalked: 0, subsegmentsWalked: 0, notWalked: 0, bytesNotWalked: 0, alsoBig: 0, staleHeaders: 0, stoppedEarly: false, problems: [] };
        const total = subsegments.reduce((n, s) => n + s.size, 0);
        let batch = null;
        // Subsegments that follow each other in a page segment are read together: over KDNET a 4 KB read is two 4,000-byte
        // packets, sixteen adjacent pages in one read are seventeen. A batch that fails is read again one subsegment at a
        // time, so one bad page costs only its own subsegment.
        const viewOf = (k) => {
            const sub = subsegments[k];
            if (batch) {
                const offset = sub.address.distanceFrom(batch.start);
                if (offset !== null && offset + sub.size <= batch.bytes.length)
                    return wholeView(batch.bytes.subarray(offset, offset + sub.size));
            }
            let size = sub.size;
            let j = k + 1;
            while (j < subsegments.length &&
                size + subsegments[j].size <= BATCH_BYTES &&
                out.bytesWalked + size + subsegments[j].size <= options.maxBytes &&
                subsegments[j].address.equals(sub.address.add(size))) {
                size += subsegments[j].size;
                j++;
            }
            if (j > k + 1) {
                const bytes = reader.read(sub.address, size, "subsegments");
                if (!(bytes instanceof Unreadable)) {
                    batch = { start: sub.address, bytes };
                    return wholeView(bytes.subarray(0, sub.size));
                }
            }
            return readRange$1(reader, sub.address, sub.size);
        };
        const leave = (k) => {
            out.notWalked = subsegments.length - k;
            for (let j = k; j < subsegments.length; j++)
                out.bytesNotWalked += subsegments[j].size;
        };
        for (let k = 0; k < subsegments.length; k++) {
            const sub = subsegments[k];
            if (options.stopAfter !== null && out.blocks.length >= options.stopAfter) {
                out.stoppedEarly = true;
                leave(k);
                break;
            }
            if (out.bytesWalked + sub.size > options.maxBytes) {
                leave(k);
                break;
            }
            const view = viewOf(k);
            out.bytesWalked += sub.size;
            out.subsegmentsWalked++;
            if (options.onProgress)
                options.onProgress(out.bytesWalked, total);
            if (!view.readable(0, 0x40)) {
                out.problems.push(sub.kind + " subsegment " + reader.format(sub.address) + " (" + heapName(sub.heap) + ") is unreadable" + pagedNote(sub) + "; skipped");
                continue;
            }
            if (view.holes > 0)
                out.problems.push(sub.kind + " subsegment " + reader.format(sub.address) + ": " + view.holes + " unreadable page" + (view.holes === 1 ? "" : "s") + pagedNote(sub) + "; blocks there were not seen");
            if (sub.kind === "LFH")
                walkLfh$1(reader, sub, view, keys.lfhKeyLow, keys.encoding, layouts, options, out);
            else
                walkVs$1(reader, sub, view, keys.heapKey, layouts, options, out);
        }
        return out;
    }
    function pagedNote(sub) {
        return poolOfHeap(sub.heap.index) === "Paged" ? " (paged out?)" : "";
    }
    /** Adjacent subsegments read in one host read at most. */
    const BATCH_BYTES = 0x40000;
    /** The subsegment's bytes with a map of which pages were readable. */
    function readRange$1(reader, address, size) {
        const whole = reader.read(address, size, "subsegment");
        return whole instanceof Unreadable ? piecesView(address, size, reader.readPartial(address, size).pieces) : wholeView(whole);
    }
    /**
     * The block of the tag whose pool header starts at headerOffset, and runs to `limit`; "stale" when the header's
     * BlockSize does not describe its slot (LFH: the block size; VS: the block, or the block less 16 bytes). MemProcFS
     * (VmmWinPool_AllPool_PushItem) drops such blocks under 0xFE0 bytes: what is left there is not a live pool block.
     */
    function blockOf(sub, view, headerOffset, limit, kind, pattern, ph) {
        const tag = tagFromKey(u32(view.bytes, headerOffset + ph.offsets.PoolTag));
        if (!pattern.matches(tag))
            return null;
        const size = (u16(view.bytes, headerOffset + ph.offsets.BlockSize) & 0xff) * 16;
        const slot = limit - headerOffset;
        if (slot < BIG_THRESHOLD && size !== slot && !(kind === "VS" && size + POOL_HEADER_BYTES === slot))
            return "stale";
        const dataStart = headerOffset + POOL_HEADER_BYTES;
        let end = Math.min(dataStart + KEPT_BYTES, headerOffset + Math.max(size, POOL_HEADER_BYTES), limit);
        while (end > dataStart && !view.readable(dataStart, end - dataStart))
            end -= Math.min(0x10, end - dataStart);
        return {
            address: sub.address.add(dataStart),
            header: sub.address.add(headerOffset),
            size,
            kind,
            pool: poolOfHeap(sub.heap.index),
            tag,
            data: view.bytes.slice(dataStart, Math.max(dataStart, end)),
        };
    }
    /** Keeps a block of the tag unless its header is stale or the big page table lists it; true when the walk has found enough. */
    function keep$1(block, options, out) {
        if (!block)
            return false;
        if (block === "stale") {
            out.staleHeaders++;
            return false;
        }
        if (options.listedAsBig && options.listedAsBig(block.address)) {
            out.alsoBig++;
            return false;
        }
        out.blocks.push(block);
        return options.stopAfter !== null && out.blocks.length >= options.stopAfter;
    }
    function walkLfh$1(reader, sub, view, lfhKeyLow, encoding, layouts, options, out) {
        const l = layouts.lfhSubsegment;
        const { blockSize, firstBlockOffset } = decodeLfhOffsets$1(u32(view.bytes, l.offsets.BlockOffsets), lfhKeyLow, sub.address, encoding);
        const blockCount = u16(view.bytes, l.offsets.BlockCount);
        const name = "LFH subsegment " + reader.format(sub.address);
        if (blockSize < 0x20 || blockSize % 16 !== 0 || firstBlockOffset < l.offsets.BlockBitmap || firstBlockOffset >= sub.size) {
            out.problems.push(name + ": block size 0x" + blockSize.toString(16) + " and first block at +0x" + firstBlockOffset.toString(16) + " do not decode with nt!RtlpHpHeapGlobals.LfhKey; skipped");
            return;
        }
        // Every slot position from FirstBlockOffset to the subsegment's end, as MemProcFS's LFH loop counts them
        // (VmmWinPool_AllPool1903_5_LFH_DoWork: (cb - FirstBlockOffset) / BlockSize). BlockCount is not the number of
        // positions: subsegment initialisation (RtlpHpLfhSubsegmentInitialize, pre-26100 kernels with
        // WitholdPageCrossingBlocks) decrements it once per withheld page-crossing slot while the slots keep their places, so
        // a walk that stopped at BlockCount would never read the last slots. A position is walked only while its two bitmap
        // bits lie before the first block (past that the "bitmap" would be block data).
        const positions = Math.min(Math.floor((sub.size - firstBlockOffset) / blockSize), (firstBlockOffset - l.offsets.BlockBitmap) * 4);
        // BlockCount is the sanity check: never more slots than the positions hold.
        if (blockCount === 0 || blockCount > positions) {
            out.problems.push(name + ": its bitmap claims " + blockCount + " blocks of 0x" + blockSize.toString(16) + " bytes; the subsegment holds " + positions + "; skipped");
            return;
        }
        for (let i = 0; i < positions; i++) {
            const headerOffset = firstBlockOffset + i * blockSize;
            // Subsegments start on a page: a slot that would cross into the next page is withheld, never allocated (its bits
            // say busy: the kernel marks it so, to keep it from being handed out).
            if ((headerOffset & 0xfff) + blockSize > 0x1000)
                continue;
            if (!lfhBlockBusy(view.bytes, l.offsets.BlockBitmap, i))
                continue;
            if (!view.readable(headerOffset, POOL_HEADER_BYTES))
                continue;
            out.busyBlocks++;
            if (keep$1(blockOf(sub, view, headerOffset, headerOffset + blockSize, "LFH", options.pattern, layouts.poolHeader), options, out))
                return;
        }
    }
    function walkVs$1(reader, sub, view, heapKey, layouts, options, out) {
        const v = layouts.vsSubsegment;
        const name = "VS subsegment " + reader.format(sub.address);
        const size = u16(view.bytes, v.offsets.Size);
        const signature = u16(view.bytes, v.offsets.Signature) & 0x7fff;
        if (size !== (signature ^ VS_SIGNATURE_XOR$1)) {
            out.problems.push(name + ": signature 0x" + signature.toString(16) + " does not match its size 0x" + size.toString(16) + "; skipped");
            return;
        }
        const sizesAt = layouts.vsChunk.offsets.Sizes;
        let offset = VS_FIRST_CHUNK;
        const maxChunks = Math.floor(sub.size / 0x20) + 1;
        for (let n = 0; n < maxChunks && offset + 0x10 <= sub.size; n++) {
            if (!view.readable(offset, 0x10)) {
                out.problems.push(name + ": chunk header at +0x" + offset.toString(16) + " is unreadable; the rest of the subsegment was not walked");
                return;
            }
            const chunk = sub.address.add(offset);
            const decoded = decodeVsChunkHeader(u64Address(view.bytes, offset + sizesAt), chunk, heapKey);
            if (decoded.bytes < 0x20 || offset + decoded.bytes > sub.size) {
                out.problems.push(name + ": chunk at " + reader.format(chunk) + " decodes to 0x" + decoded.bytes.toString(16) + " bytes, past the subsegment's end; the rest of the subsegment was not walked");
                return;
            }
            if (decoded.allocated) {
                const headerOffset = offset + vsPoolHeaderOffset(chunk, decoded.bytes);
                if (headerOffset + POOL_HEADER_BYTES <= offset + decoded.bytes && view.readable(headerOffset, POOL_HEADER_BYTES)) {
                    out.busyBlocks++;
                    if (keep$1(blockOf(sub, view, headerOffset, offset + decoded.bytes, "VS", options.pattern, layouts.poolHeader), options, out))
                        return;
                }
            }
            offset += decoded.bytes;
        }
    }
    /** The keys: HeapKey (64 bits) and the low 32 bits of LfhKey (the LFH decode is 32-bit). */
    function decodeKeys(bytes, globals) {
        return { heapKey: u64Address(bytes, globals.offsets.HeapKey), lfhKeyLow: unsigned(bytes, globals.offsets.LfhKey, 4) };
    }

    // Pure decoders of ntdll's segment heap metadata (userheap-facts §5 and §10), over bytes already read. The ones the
    // kernel pool shares (page segment signature, x64 VS chunk sizes, LFH offsets, the bitmap's busy bit) are imported
    // from src/pool/segment-heap.ts; what is here is user-mode only or x86:
    //  - RangeFlags: tested by bits, not by name (the names are contested, the values 0x03/0x0B/0x0F agree across
    //    DbgHelpUtils page_range_flags, MemProcFS VmmHeapAlloc_SegRangeDescriptor, ntoseye heap.rs and ntdll's
    //    RtlpHpExtrasAppend, which tests (f & 3) == 3 for an allocated range head and (f & 0x1C) == 8 / 0xC for LFH / VS).
    //  - The x86 VS chunk header: 32 bits, MemoryCost:1, UnsafeSize:15, UnsafePrevSize:15, Allocated:1, in 8-byte
    //    units, XORed with the chunk's address and HeapKey (MemProcFS vmmheap.c, VmmHeapAlloc_SegVS, x86 branch).
    //  - The tail WORD of a block whose unused bytes are recorded (DbgHelpUtils segment_heap_utils.cpp,
    //    read_extra_data): 0x8000 = exactly one unused byte; else the unused count in the low bits and 0x4000 = an
    //    extras trailer (the +ust stack pointer). The count is masked with 0x3FFF (DbgHelpUtils); ntoseye masks 0x1FFF:
    //    the two agree below 0x2000 unused bytes, and a count past the block says which one is wrong (see tailUnused).
    //  - The extras trailer (+ust): after the user data at the next 16-byte boundary (x64) / 8-byte (x86) an extras
    //    header, then the stack record pointer. DbgHelpUtils (read_ust_address) looks for the bytes 01 01 followed by
    //    zeros up to 0xE (x64) / 6 (x86) and takes the pointer after them; the decompiled RtlpHpExtrasAppend sets
    //    byte +2 (interceptor index | flags) and byte +3 = 1 (data size >> 4). findExtrasPointer accepts either form at
    //    each aligned position of the unused tail and takes the first plausible user-mode pointer.
    //  - _HEAP_LARGE_ALLOC_DATA: VirtualAddress with UnusedBytes in its low 16 bits; a word of bit fields with
    //    ExtraPresent at bit 0 and AllocatedPages from bit 12. The block starts at VirtualAddress - UnusedBytes
    //    (DbgHelpUtils large_alloc_entry.cpp, block_address) which is VirtualAddress & ~0xFFFF (ntoseye
    //    large_allocations) for every 64 KB-aligned block. MemProcFS (vmmheap.c) takes the raw field, unused count
    //    included, as the block's address, which puts its block UnusedBytes past the start the other two give; we
    //    follow DbgHelpUtils and ntoseye. Size = AllocatedPages * 0x1000 - UnusedBytes (HeapSize).
    //  - Front padding (userheap-facts §5.9, DbgHelpUtils segment_heap_utils.cpp read_front_padding_size): up to ntdll
    //    10.0.19041, a block may start with a pointer-sized value 0x10 or 0x40 (x64) / 8 (x86) that is the padding in
    //    front of the user data (0x40 / 0x20 for large blocks). A heuristic of DbgHelpUtils's, applied on those builds
    //    only: a program whose block starts with exactly that value would be read 0x10/0x40 bytes in.
    /** What a range descriptor's RangeFlags say of the range it heads. */
    function rangeKind(flags) {
        if ((flags & 2) === 0)
            return "none"; // not a range head
        if ((flags & 1) === 0)
            return "free";
        const sub = flags & 0x1c;
        if (sub === 0x08)
            return "LFH";
        if (sub === 0x0c)
            return "VS";
        if (sub === 0)
            return "Backend";
        return "none";
    }
    /** The x86 VS chunk header: HeaderBits ^ chunk ^ HeapKey (all 32-bit). */
    function decodeVsChunkHeaderX86(headerBits, chunk, heapKey) {
        const d = (headerBits ^ chunk ^ heapKey) >>> 0;
        return { bytes: ((d >>> 1) & 0x7fff) * 8, prevBytes: ((d >>> 16) & 0x7fff) * 8, allocated: d >>> 31 === 1 };
    }
    /** The tail WORD of a block with recorded unused bytes: the unused count and whether an extras trailer follows the data. */
    function tailUnused(word) {
        if ((word & 0x8000) !== 0)
            return { unused: 1, extras: false };
        return { unused: word & 0x3fff, extras: (word & 0x4000) !== 0 };
    }
    /**
     * The +ust stack record pointer in a block's unused tail: `tail` holds the block's bytes from `tailStart` (the end
     * of the user data) to the block's end; `tailAddress` is where it lies. Null when no aligned position holds an
     * extras header followed by a plausible pointer.
     */
    function findExtrasPointer(tail, tailAddress, pointerSize) {
        const align = pointerSize === 8 ? 16 : 8;
        const headerBytes = pointerSize === 8 ? 16 : 8;
        const first = (align - (tailAddress.lo % align)) % align;
        for (let at = first; at + headerBytes + pointerSize <= tail.length; at += align) {
            if (!looksLikeExtrasHeader(tail, at, headerBytes))
                continue;
            const p = readPointer(tail, at + headerBytes, pointerSize);
            if (isUserPointer(p, pointerSize))
                return p;
        }
        return null;
    }
    function looksLikeExtrasHeader(bytes, at, headerBytes) {
        // DbgHelpUtils's form: 01 01 then zeros to the end of the header (0xE / 6 bytes scanned).
        let dhu = bytes[at] === 1 && bytes[at + 1] === 1;
        for (let i = 2; dhu && i < headerBytes - 2; i++)
            if (bytes[at + i] !== 0)
                dhu = false;
        if (dhu)
            return true;
        // RtlpHpExtrasAppend's form: byte +3 is the interceptor data size in 16-byte units (1), byte +2 the interceptor
        // index (low nibble, non-zero) and flags.
        return bytes[at + 3] === 1 && (bytes[at + 2] & 0x0f) !== 0;
    }
    function readPointer(bytes, at, pointerSize) {
        return pointerSize === 8 ? new Address(u32(bytes, at + 4), u32(bytes, at)) : new Address(0, u32(bytes, at));
    }
    /** Non-null, pointer-aligned, below the top of user space. */
    function isUserPointer(p, pointerSize) {
        if (p.isNull || p.lo % pointerSize !== 0)
            return false;
        return pointerSize === 8 ? p.hi < 0x8000 : p.hi === 0;
    }
    /** A _HEAP_LARGE_ALLOC_DATA's VirtualAddress word and bit-field word decoded (see the header comment). */
    function decodeLargeAlloc(virtualAddress, bits, pointerSize) {
        const unused = virtualAddress.lo & 0xffff;
        // AllocatedPages: bits 12 and up of the word (52 bits on x64, 20 on x86).
        const pages = pointerSize === 8 ? bits.hi * 0x100000 + (bits.lo >>> 12) : bits.lo >>> 12;
        return { block: virtualAddress.subtract(unused), unused, pages, extraPresent: (bits.lo & 1) === 1 };
    }
    /** The front padding sizes DbgHelpUtils recognises (see the header comment). */
    function frontPaddingSizes(pointerSize, large) {
        if (large)
            return pointerSize === 8 ? [0x40] : [0x20];
        return pointerSize === 8 ? [0x10, 0x40] : [0x08];
    }
    /** Builds whose ntdll pads the front of some blocks (DbgHelpUtils: ntdll up to 10.0.19041, i.e. 19041-19045). */
    const FRONT_PADDING_LAST_BUILD = 19045;
    /** The padding in front of the user data, from the block's first pointer-sized value; 0 when there is none. */
    function frontPadding(firstValue, blockBytes, pointerSize, large, build) {
        if (build === null || build > FRONT_PADDING_LAST_BUILD || firstValue.hi !== 0)
            return 0;
        for (const size of frontPaddingSizes(pointerSize, large))
            if (firstValue.lo === size && blockBytes >= size)
                return size;
        return 0;
    }
    /** An LFH slot that crosses a page boundary (subsegments start on a page). */
    function crossesPage(slotOffset, blockSize) {
        return (slotOffset & 0xfff) + blockSize > 0x1000;
    }
    /** Bit 2i+1 of the LFH bitmap: the block's unused bytes are recorded in its tail WORD (DbgHelpUtils heap_lfh_entry). */
    function lfhUnusedRecorded(bitmap, offset, index) {
        return ((bitmap[offset + (index >> 2)] >> ((index & 3) * 2 + 1)) & 1) === 1;
    }
    /** The LFH slots of a subsegment: every position from FirstBlockOffset to the end (userheap-facts §10.1). */
    function lfhSlotCount(subsegmentBytes, firstBlockOffset, blockSize) {
        if (blockSize <= 0 || firstBlockOffset >= subsegmentBytes)
            return 0;
        return Math.floor((subsegmentBytes - firstBlockOffset) / blockSize);
    }

    // ntdll's segment heap, walked from its _SEGMENT_HEAP down to every busy allocation (issue 20): the backend's page
    // segments and range descriptors, VS subsegments and their encoded chunk headers, LFH subsegments slot by slot, the
    // backend's direct page-range allocations, and the large blocks in the LargeAllocMetadata tree. Each subsegment is
    // read once, whole; damage (a bad signature, a loop, an unreadable page, metadata that does not decode) is named by
    // address and reason in `notWalked` and the rest is still listed. Layouts: ntdll's symbols first, else
    // src/layouts/user-segment-heap.ts. Keys: ntdll!RtlpHpHeapGlobals.
    //
    // Facts and their sources: userheap-facts §5 and §10; the encodings shared with the kernel pool's segment heap are
    // documented (and held against MemProcFS and PoolViewer) in src/pool/segment-heap.ts; the user-mode-only decoders
    // and the readings they accept are documented in ./user-segment-heap-decode.ts. Where the sources leave a choice:
    //  - VS walk end (§10.3): _HEAP_VS_SUBSEGMENT.Size counts granules after the subsegment header, so the chunks run
    //    to the range's end; the walk stops at min(range end, first chunk + Size granules), which is the range's end
    //    under that reading and under the reading that Size counts the whole range.
    //  - LFH slots (§10.1): every position from FirstBlockOffset to the subsegment's end, not BlockCount. Page-crossing
    //    slots are skipped when WitheldBlockCount says slots were withheld (they are marked busy but never handed out);
    //    with WitheldBlockCount 0 nothing was withheld and every slot is walked.
    //  - LFH offsets key (§10.2): ntdll (the decompiled listings, DbgHelpUtils, ntoseye) keys with
    //    (ULONG)(subsegment >> 12); MemProcFS below build 26100 and the pre-26100 kernels with (ULONG)subsegment >> 12.
    //    The two differ for every user address above 4 GB. The first form is tried first, confirmed (a block size that
    //    is a multiple of the granule, a first block past a bitmap that fits, at least one slot), and the other form
    //    tried when it does not confirm; the summary's notes say when the other form was used.
    //  - LFH bitmap: bit 2i busy, bit 2i+1 "unused bytes recorded" (DbgHelpUtils, the decompiled ntdll); MemProcFS lists
    //    only pairs equal to 01 and would miss busy blocks whose unused bytes are recorded (+ust makes that every block).
    //  - Large-tree links (§5.8): plain in DbgHelpUtils and ntoseye; _RTL_RB_TREE.Encoded (bit 0 of Min) marks an
    //    encoded tree, whose root is stored XORed with the tree's address and whose children with their parent's
    //    (decompiled RtlpHpSegPageRangeAllocate on FreePageRanges). A second reading XORs the children with the tree's
    //    address; it was attributed to PoolViewer, but the stored PoolViewer (yardenshafir/PoolViewer,
    //    PoolViewer/PoolData.cpp) walks no RB tree at all (its large allocations come from the VA manager's bitmap and
    //    the big page table), so that reading is unverified. When the tree is encoded each child link is decoded both
    //    ways (parent first) and the one that leads to a valid node is kept; a failure names the parent reading's node.
    const SEGMENT_HEAP_SIGNATURE = 0xddeeddee;
    const VS_SIGNATURE_XOR = 0x2bed;
    /** 0xA2E64EAD: the low half of the page segment signature constant, all an x86 signature holds. */
    const SIGNATURE_XOR_X86 = 0xa2e64ead;
    /** Descriptors per page segment: DescArray is _HEAP_PAGE_RANGE_DESCRIPTOR [256] on every build of the PDBs. */
    const DESCRIPTORS = 256;
    const userSegmentHeapLimits = {
        /** Page segments in one context's list: 1 MB or 16 MB each, so 65,536 would be 64 GB of heap or more. */
        maxSegments: 65536,
    };
    /** Walks one segment heap (the process walk dispatches heaps whose signature is 0xDDEEDDEE here). */
    function walkSegmentHeap(target, heap, options) {
        const part = {
            summary: { heap, type: "Segment", lfh: false, blocks: 0, bytes: 0, layout: "" },
            blocks: [],
            free: [],
            notWalked: [],
        };
        try {
            walk(target, heap, options, part);
        }
        catch (e) {
            // A decoder bug or a host failure must not lose what was found: the heap is named with the reason.
            part.notWalked.push({ heap, part: "segment heap", address: heap, reason: "the walk stopped on an internal error (" + String(e) + "); the blocks before it are listed" });
        }
        part.summary.blocks = part.blocks.length;
        part.summary.bytes = part.blocks.reduce((n, b) => n + b.size, 0);
        return part;
    }
    function walk(target, heap, options, part) {
        const ps = target.pointerSize;
        const build = target.windowsBuild();
        const types = (m, t) => target.type(m, t);
        const resolved = {};
        for (const name of Object.keys(USER_SEGMENT_HEAP_LAYOUTS)) {
            resolved[name] = resolveLayout(USER_SEGMENT_HEAP_LAYOUTS[name], types, ps, build);
        }
        const missing = Object.keys(resolved).map((k) => resolved[k]).filter(isLayoutMissing);
        const heapLayout = resolved.heap;
        part.summary.layout = isLayoutMissing(heapLayout) ? "_SEGMENT_HEAP: " + heapLayout.reason : heapLayout.description;
        if (missing.length > 0) {
            part.notWalked.push({
                heap,
                part: "segment heap",
                address: heap,
                // One reason says what to load; the others are the same words for other types.
                reason: "no layout for " + missing.map((m) => m.typeName).join(", ") + ": " + missing[0].reason,
            });
            return;
        }
        const layouts = resolved;
        // Each layout not from the symbols is said once per session (layoutNote), its full wording in !leaktools.
        const builtIn = Object.keys(resolved).map((k) => resolved[k]).filter((l) => l.origin !== "symbols");
        if (builtIn.length > 0)
            part.summary.builtInLayouts = builtIn;
        const notes = [];
        const w = { target, heap, ps, build, options, layouts, part, notes, maxBlocks: workLimit("maxBlocksPerHeap"), full: false };
        const h = layouts.heap;
        const c = layouts.segContext;
        const headerBytes = Math.max(h.offsets.SegContexts + 2 * c.size, h.offsets.LargeAllocMetadata + 2 * ps, h.offsets.Signature + 4);
        const header = target.memory.read(heap, headerBytes, "_SEGMENT_HEAP");
        if (header instanceof Unreadable) {
            part.notWalked.push({ heap, part: "segment heap", address: heap, reason: "its header is unreadable (" + header.describe(ps) + ")" });
            return;
        }
        const signature = u32(header, h.offsets.Signature);
        if (signature !== SEGMENT_HEAP_SIGNATURE) {
            part.notWalked.push({ heap, part: "segment heap", address: heap, reason: "the signature at +0x" + h.offsets.Signature.toString(16) + " is 0x" + signature.toString(16) + ", not 0xddeeddee" });
            return;
        }
        const wanted = (k) => !options.kinds || options.kinds.indexOf(k) >= 0;
        const backend = wanted("VS") || wanted("LFH") || wanted("Backend");
        const keys = backend ? readKeys(w) : null;
        const ranges = keys ? walkBackend(w, header, keys) : [];
        for (const range of ranges) {
            if (w.full)
                break;
            if (!wanted(range.kind))
                continue;
            if (range.kind === "Backend")
                backendBlock(w, range);
            else if (range.kind === "VS")
                walkVs(w, range, keys);
            else if (keys.haveLfhKey)
                walkLfh(w, range, keys);
        }
        if (keys && !keys.haveLfhKey && wanted("LFH")) {
            const lfh = ranges.filter((r) => r.kind === "LFH");
            if (lfh.length > 0) {
                part.notWalked.push({ heap, part: "LFH subsegments", address: lfh[0].address, reason: messages.segmentHeapNoLfhKey(lfh.length) });
            }
        }
        part.summary.lfh = ranges.some((r) => r.kind === "LFH");
        if (wanted("Large"))
            walkLargeBlocks(w, header);
        if (notes.length > 0)
            part.summary.notes = notes;
    }
    /** HeapKey and LfhKey from ntdll!RtlpHpHeapGlobals; without the symbol, HeapKey from a page segment's signature. */
    function readKeys(w) {
        const g = w.layouts.globals;
        const at = w.target.symbolAddress("ntdll", "RtlpHpHeapGlobals");
        if (at) {
            const bytes = w.target.memory.read(at, Math.max(g.offsets.LfhKey + 4, g.offsets.HeapKey + w.ps), "ntdll!RtlpHpHeapGlobals");
            if (!(bytes instanceof Unreadable)) {
                const heapKey = w.ps === 8 ? u64Address(bytes, g.offsets.HeapKey) : new Address(0, u32(bytes, g.offsets.HeapKey));
                return { heapKey, lfhKeyLow: u32(bytes, g.offsets.LfhKey), derived: false, haveLfhKey: true };
            }
            w.notes.push("ntdll!RtlpHpHeapGlobals is unreadable (" + bytes.describe(w.ps) + ")");
        }
        const key = deriveHeapKey(w);
        if (!key) {
            w.part.notWalked.push({
                heap: w.heap,
                part: "VS and LFH subsegments",
                address: null,
                reason: messages.segmentHeapNoKeys(at ? "unreadable" : "no symbol ntdll!RtlpHpHeapGlobals"),
            });
            return null;
        }
        w.notes.push(messages.segmentHeapDerivedKey());
        return { heapKey: key, lfhKeyLow: 0, derived: true, haveLfhKey: false };
    }
    /** Signature ^ segment ^ context (^ the constant before 26100) = HeapKey: from context 0's first segment (userheap-facts §5.3). */
    function deriveHeapKey(w) {
        const c = w.layouts.segContext;
        const contextAt = w.heap.add(w.layouts.heap.offsets.SegContexts);
        const head = contextAt.add(c.offsets.SegmentListHead);
        const first = w.target.memory.readPointer(head, "segment list head");
        if (first instanceof Unreadable || first.equals(head) || !isUserPointer(first, w.ps))
            return null;
        const sig = w.target.memory.read(first.add(w.layouts.pageSegment.offsets.Signature), w.ps, "page segment signature");
        if (sig instanceof Unreadable)
            return null;
        const signature = w.ps === 8 ? u64Address(sig, 0) : new Address(0, u32(sig, 0));
        // With a zero key the signature decodes to context ^ HeapKey; the build's form of the constant is assumed (the
        // VS chunks then confirm the key, or are named as not decoding).
        const key = xor64(signatureOwner(signature, first, Address.ZERO, encodingOfBuild(w.build), w.ps), contextAt);
        return w.ps === 8 ? key : new Address(0, key.lo);
    }
    /** What a page segment's signature decodes to (its context when the key is right), on x64 or x86. */
    function signatureOwner(signature, segment, heapKey, encoding, ps) {
        if (ps === 8)
            return decodeSegmentSignature(signature, segment, heapKey, encoding);
        const v = (signature.lo ^ segment.lo ^ heapKey.lo ^ (encoding === "before 26100" ? SIGNATURE_XOR_X86 : 0)) >>> 0;
        return new Address(0, v);
    }
    /** The page segments of both contexts and the ranges their descriptors head (LFH, VS, direct backend allocations). */
    function walkBackend(w, header, keys) {
        const { ps, layouts } = w;
        const c = layouts.segContext;
        const ranges = [];
        const preferred = encodingOfBuild(w.build);
        let confirmed = null;
        let bad = 0;
        for (let ci = 0; ci < 2; ci++) {
            const base = layouts.heap.offsets.SegContexts + ci * c.size;
            const contextAt = w.heap.add(base);
            const unitShift = u8(header, base + c.offsets.UnitShift);
            const firstDescriptor = u8(header, base + c.offsets.FirstDescriptorIndex);
            const head = contextAt.add(c.offsets.SegmentListHead);
            let link = pointer(header, base + c.offsets.SegmentListHead, ps);
            if (link.isNull && ci === 1)
                continue; // A second context not set up yet.
            if (unitShift < 12 || unitShift > 20) {
                w.part.notWalked.push({ heap: w.heap, part: "segment context " + ci, address: contextAt, reason: "UnitShift is " + unitShift + " (12 to 20 expected); its segments were not walked" });
                continue;
            }
            const unit = Math.pow(2, unitShift);
            const segmentBytes = unit * DESCRIPTORS;
            const visited = new Set();
            while (!link.equals(head)) {
                if (!isUserPointer(link, ps) || link.lo % segmentBytes !== 0) {
                    w.part.notWalked.push({ heap: w.heap, part: "segment list", address: link, reason: "segment context " + ci + "'s list links to " + link.format(ps) + ", " + (isUserPointer(link, ps) ? "not aligned to a segment" : "not a user-mode address") + "; the rest of the list was not followed" });
                    break;
                }
                if (visited.has(link.key)) {
                    w.part.notWalked.push({ heap: w.heap, part: "segment list", address: link, reason: "segment context " + ci + "'s list loops back to " + link.format(ps) + " after " + visited.size + " segments; stopped there" });
                    break;
                }
                if (visited.size >= userSegmentHeapLimits.maxSegments) {
                    w.part.notWalked.push({ heap: w.heap, part: "segment list", address: link, reason: "more than " + userSegmentHeapLimits.maxSegments + " segments in one list; the rest was not followed" });
                    break;
                }
                visited.add(link.key);
                const segment = link;
                const bytes = w.target.memory.read(segment, layouts.pageSegment.size, "_HEAP_PAGE_SEGMENT");
                if (bytes instanceof Unreadable) {
                    w.part.notWalked.push({ heap: w.heap, part: "page segment", address: segment, reason: "its descriptors are unreadable (" + bytes.describe(ps) + "); the rest of the list was not followed" });
                    break;
                }
                link = pointer(bytes, layouts.pageSegment.offsets.ListEntry, ps);
                const sigAt = layouts.pageSegment.offsets.Signature;
                const signature = ps === 8 ? u64Address(bytes, sigAt) : new Address(0, u32(bytes, sigAt));
                const encoding = ps === 8 ? encodingOf(signature, segment, keys.heapKey, contextAt, confirmed || preferred) : encodingX86(signature, segment, keys.heapKey, contextAt, confirmed || preferred);
                if (!encoding) {
                    bad++;
                    w.part.notWalked.push({
                        heap: w.heap,
                        part: "page segment",
                        address: segment,
                        reason: "its signature does not decode to its segment context with " + (keys.derived ? "the derived HeapKey" : "ntdll!RtlpHpHeapGlobals.HeapKey") + " (decodes to " + signatureOwner(signature, segment, keys.heapKey, confirmed || preferred, ps).format(ps) + "); its subsegments were not walked",
                    });
                    continue;
                }
                if (!confirmed) {
                    confirmed = encoding;
                    if (encoding !== preferred)
                        w.notes.push("page segment signatures decode as on builds " + encoding + ", not as build " + (w.build === null ? "(unknown)" : w.build) + "'s");
                }
                rangesOf(w, bytes, segment, unit, firstDescriptor, ranges);
            }
        }
        if (bad > 0 && confirmed === null) {
            w.part.notWalked.push({
                heap: w.heap,
                part: "segment heap keys",
                address: null,
                reason: "no page segment's signature decoded (" + bad + " tried): " + (keys.derived ? "the derived HeapKey" : "the HeapKey read from ntdll!RtlpHpHeapGlobals") + " is not the one this heap was encoded with",
            });
        }
        return ranges;
    }
    function encodingX86(signature, segment, heapKey, context, preferred) {
        const other = preferred === "before 26100" ? "26100 and later" : "before 26100";
        for (const e of [preferred, other])
            if (signatureOwner(signature, segment, heapKey, e, 4).lo === context.lo)
                return e;
        return null;
    }
    /**
     * The ranges a page segment's descriptors head. Every unit from FirstDescriptorIndex belongs to a range (free or
     * allocated), so a segment where no descriptor heads one is read with a layout this build does not have: it is
     * named instead of being passed over in silence.
     */
    function rangesOf(w, bytes, segment, unit, firstDescriptor, out) {
        const d = w.layouts.descriptor;
        let i = Math.max(1, firstDescriptor);
        let heads = 0;
        while (i < DESCRIPTORS) {
            const at = i * d.size;
            const flags = u8(bytes, at + d.offsets.RangeFlags);
            const units = u8(bytes, at + d.offsets.UnitSize);
            const kind = rangeKind(flags);
            if (kind === "none") {
                i++;
                continue;
            }
            if (units === 0 || i + units > DESCRIPTORS) {
                w.part.notWalked.push({ heap: w.heap, part: "page range", address: segment.add(i * unit), reason: "descriptor " + i + " of page segment " + segment.format(w.ps) + " claims " + units + " units; the rest of the segment was not walked" });
                return;
            }
            heads++;
            if (kind !== "free") {
                out.push({
                    address: segment.add(i * unit),
                    bytes: units * unit,
                    kind,
                    descriptor: segment.add(at),
                    unused: unsigned(bytes, at + d.offsets.UnusedBytes, d.sizes.UnusedBytes || 4),
                    extraPresent: (u8(bytes, at + d.offsets.ExtraPresent) & 1) === 1,
                });
            }
            i += units;
        }
        if (heads === 0) {
            w.part.notWalked.push({ heap: w.heap, part: "page segment", address: segment, reason: "no range descriptor from index " + firstDescriptor + " heads a range (RangeFlags and UnitSize read at +0x" + d.offsets.RangeFlags.toString(16) + "/+0x" + d.offsets.UnitSize.toString(16) + "): a layout this build does not have, or damage; its ranges were not walked" });
        }
    }
    /** A range's bytes in one read; where that fails, the readable pages of it with a map of the holes. */
    function readRange(w, address, size, what) {
        const whole = w.target.memory.read(address, size, what);
        return whole instanceof Unreadable ? piecesView(address, size, w.target.memory.readPartial(address, size).pieces) : wholeView(whole);
    }
    function holesNote(w, view, kind, address) {
        if (view.holes > 0) {
            w.part.notWalked.push({ heap: w.heap, part: kind + " subsegment", address, reason: view.holes + " unreadable page" + (view.holes === 1 ? "" : "s") + " (missing from the dump or decommitted); blocks there were not seen" });
        }
    }
    /** Adds a busy block unless the per-heap cap is reached; returns false once it is. */
    function push(w, block) {
        if (w.part.blocks.length >= w.maxBlocks) {
            if (!w.full) {
                w.full = true;
                w.part.notWalked.push({ heap: w.heap, part: "the rest of the heap", address: block.address, reason: "more than " + w.maxBlocks + " blocks (maxBlocksPerHeap); " + raiseHint("maxBlocksPerHeap") });
            }
            return false;
        }
        w.part.blocks.push(block);
        if (w.options.onProgress && w.part.blocks.length % 4096 === 0)
            w.options.onProgress(w.part.blocks.length);
        return true;
    }
    function pushFree(w, address, size, kind) {
        if (w.options.includeFree)
            w.part.free.push({ address, size, heap: w.heap, kind });
    }
    function pointerAt(bytes, at, ps) {
        return pointer(bytes, at, ps);
    }
    /**
     * A busy block whose data runs over view[dataStart, dataEnd): the front padding, the unused bytes (from the tail
     * WORD when `recorded`), the +ust record from the extras trailer. Returns the block record.
     */
    function blockFrom(w, view, base, dataStart, dataEnd, recorded, kind, header, blockBytes) {
        const ps = w.ps;
        const avail = dataEnd - dataStart;
        let unused = 0;
        let extras = false;
        if (recorded && avail >= 2 && view.readable(dataEnd - 2, 2)) {
            const word = u16(view.bytes, dataEnd - 2);
            const t = tailUnused(word);
            unused = t.unused;
            extras = t.extras;
            // 0x3FFF (DbgHelpUtils) against 0x1FFF (ntoseye): the wider count cannot exceed the block; the narrower one can.
            if (unused > avail && (word & 0x8000) === 0 && (word & 0x1fff) <= avail)
                unused = word & 0x1fff;
            if (unused > avail)
                unused = 0;
        }
        let pad = 0;
        if (avail >= ps && view.readable(dataStart, ps))
            pad = frontPadding(pointerAt(view.bytes, dataStart, ps), avail - unused, ps, false, w.build);
        const start = dataStart + pad;
        const size = Math.max(0, avail - unused - pad);
        const address = base.add(start);
        let stackRecord = null;
        if (extras) {
            const tailStart = start + size;
            if (view.readable(tailStart, dataEnd - tailStart))
                stackRecord = findExtrasPointer(view.bytes.subarray(tailStart, dataEnd), base.add(tailStart), ps);
        }
        let firstPointer = null;
        if (w.options.readFirstPointer && size >= ps && view.readable(start, ps))
            firstPointer = pointerAt(view.bytes, start, ps);
        return { address, size, heap: w.heap, kind, header, stackRecord, firstPointer, blockBytes };
    }
    function walkVs(w, range, keys) {
        const { ps, layouts } = w;
        const v = layouts.vsSubsegment;
        const chunkHeader = layouts.vsChunk.size;
        const granule = ps === 8 ? 16 : 8;
        // +0x30 on x64 (0x28 rounded up to 16: MemProcFS oVsChunkHdr, DbgHelpUtils), +0x18 on x86 (MemProcFS).
        const firstChunk = Math.ceil(v.size / granule) * granule;
        const view = readRange(w, range.address, range.bytes, "VS subsegment");
        if (!view.readable(0, v.size)) {
            w.part.notWalked.push({ heap: w.heap, part: "VS subsegment", address: range.address, reason: "its header is unreadable (missing from the dump or decommitted)" });
            return;
        }
        holesNote(w, view, "VS", range.address);
        const size = u16(view.bytes, v.offsets.Size);
        const signature = u16(view.bytes, v.offsets.Signature) & 0x7fff;
        if (((size ^ VS_SIGNATURE_XOR) & 0x7fff) !== signature) {
            w.part.notWalked.push({ heap: w.heap, part: "VS subsegment", address: range.address, reason: "its signature 0x" + signature.toString(16) + " does not match its size 0x" + size.toString(16) + " (Signature = Size ^ 0x2BED); skipped" });
            return;
        }
        const end = Math.min(range.bytes, firstChunk + size * granule);
        const sizesAt = layouts.vsChunk.offsets.Sizes;
        const bitsAt = layouts.vsChunk.offsets.AllocatedChunkBits;
        let offset = firstChunk;
        const maxChunks = Math.floor(range.bytes / (2 * granule)) + 1;
        for (let n = 0; n < maxChunks && offset + chunkHeader <= end; n++) {
            const chunk = range.address.add(offset);
            if (!view.readable(offset, chunkHeader)) {
                w.part.notWalked.push({ heap: w.heap, part: "VS subsegment", address: chunk, reason: "the chunk header at " + chunk.format(ps) + " is unreadable; the rest of the subsegment was not walked" });
                return;
            }
            const decoded = ps === 8
                ? decodeVsChunkHeader(u64Address(view.bytes, offset + sizesAt), chunk, keys.heapKey)
                : decodeVsChunkHeaderX86(u32(view.bytes, offset + sizesAt), chunk.lo, keys.heapKey.lo);
            if (decoded.bytes < chunkHeader + granule || offset + decoded.bytes > end) {
                w.part.notWalked.push({
                    heap: w.heap,
                    part: "VS subsegment",
                    address: chunk,
                    reason: "the chunk at " + chunk.format(ps) + " decodes to 0x" + decoded.bytes.toString(16) + " bytes, " + (decoded.bytes < chunkHeader + granule ? "too small" : "past the subsegment's end") + " (damage, or a HeapKey that is not this heap's); the rest of the subsegment was not walked",
                });
                return;
            }
            if (decoded.allocated) {
                const recorded = ((u32(view.bytes, offset + bitsAt) >>> 8) & 1) === 1;
                const block = blockFrom(w, view, range.address, offset + chunkHeader, offset + decoded.bytes, recorded, "VS", chunk, decoded.bytes);
                if (block && !push(w, block))
                    return;
            }
            else {
                pushFree(w, chunk.add(chunkHeader), decoded.bytes - chunkHeader, "VS");
            }
            offset += decoded.bytes;
        }
    }
    /**
     * The LFH offsets decoded with the key form ntdll uses, confirmed; else the other form; else null. Confirmed: a block
     * size that is a multiple of the granule, a first block past a bitmap that fits, and slots for BlockCount +
     * WitheldBlockCount blocks (BlockCount is the slot count less the withheld slots, userheap-facts §10.1). A form that
     * accounts for exactly that many slots wins over one that only has room for them: the two forms differ only in the
     * high half (the first block's offset), where a wrong one can still look aligned.
     */
    function lfhGeometry(w, encoded, keys, sub, rangeBytes, counted) {
        const l = w.layouts.lfhSubsegment;
        const granule = w.ps === 8 ? 16 : 8;
        let roomy = null;
        for (const form of ["26100 and later", "before 26100"]) {
            const { blockSize, firstBlockOffset } = decodeLfhOffsets$1(encoded, keys.lfhKeyLow, sub, form);
            const slots = lfhSlotCount(rangeBytes, firstBlockOffset, blockSize);
            const bitmapEnd = l.offsets.BlockBitmap + Math.ceil((slots * 2) / 8);
            if (blockSize < granule || blockSize % granule !== 0 || slots === 0 || firstBlockOffset < bitmapEnd || firstBlockOffset % granule !== 0 || counted > slots)
                continue;
            const geometry = { blockSize, first: firstBlockOffset, slots, form };
            if (counted === slots)
                return geometry;
            if (!roomy)
                roomy = geometry;
        }
        return roomy;
    }
    function walkLfh(w, range, keys) {
        const { ps, layouts } = w;
        const l = layouts.lfhSubsegment;
        const view = readRange(w, range.address, range.bytes, "LFH subsegment");
        if (!view.readable(0, l.size)) {
            w.part.notWalked.push({ heap: w.heap, part: "LFH subsegment", address: range.address, reason: "its header is unreadable (missing from the dump or decommitted)" });
            return;
        }
        const encoded = u32(view.bytes, l.offsets.BlockOffsets);
        const withheldCount = u8(view.bytes, l.offsets.WitheldBlockCount);
        const geometry = lfhGeometry(w, encoded, keys, range.address, range.bytes, u16(view.bytes, l.offsets.BlockCount) + withheldCount);
        if (!geometry) {
            const d = decodeLfhOffsets$1(encoded, keys.lfhKeyLow, range.address, "26100 and later");
            w.part.notWalked.push({
                heap: w.heap,
                part: "LFH subsegment",
                address: range.address,
                reason: "its BlockOffsets do not decode with ntdll!RtlpHpHeapGlobals.LfhKey under either key form (block size 0x" + d.blockSize.toString(16) + ", first block at +0x" + d.firstBlockOffset.toString(16) + "): damage or not an LFH subsegment; skipped",
            });
            return;
        }
        if (geometry.form !== "26100 and later" && w.notes.indexOf(LFH_FALLBACK_NOTE) < 0)
            w.notes.push(LFH_FALLBACK_NOTE);
        holesNote(w, view, "LFH", range.address);
        const { blockSize, first, slots } = geometry;
        const withheld = withheldCount > 0;
        for (let i = 0; i < slots; i++) {
            const at = first + i * blockSize;
            if (withheld && crossesPage(at, blockSize))
                continue;
            if (!view.readable(at, blockSize))
                continue;
            if (!lfhBlockBusy(view.bytes, l.offsets.BlockBitmap, i)) {
                pushFree(w, range.address.add(at), blockSize, "LFH");
                continue;
            }
            const recorded = lfhUnusedRecorded(view.bytes, l.offsets.BlockBitmap, i);
            const block = blockFrom(w, view, range.address, at, at + blockSize, recorded, "LFH", null, blockSize);
            if (block && !push(w, block))
                return;
        }
    }
    const LFH_FALLBACK_NOTE = "LFH offsets decoded with the key term (ULONG)subsegment >> 12 (MemProcFS's form before build 26100): the form ntdll is known to use, (ULONG)(subsegment >> 12), did not decode them";
    /** A direct page-range allocation of the backend (RangeFlags 0x03): one block, UnusedBytes in its descriptor. */
    function backendBlock(w, range) {
        if (range.unused > range.bytes) {
            w.part.notWalked.push({ heap: w.heap, part: "page range", address: range.address, reason: "its descriptor claims 0x" + range.unused.toString(16) + " unused bytes in a range of 0x" + range.bytes.toString(16) + "; skipped" });
            return;
        }
        largeLike(w, range.address, range.bytes, range.unused, range.extraPresent, "Backend", false);
    }
    /**
     * A block that starts a page range or a large allocation: reads its first bytes (front padding, the first pointer)
     * and, when it has an extras trailer, its unused tail for the +ust record.
     */
    function largeLike(w, block, bytes, unused, extraPresent, kind, large) {
        const ps = w.ps;
        let pad = 0;
        let firstPointer = null;
        const wantHead = w.options.readFirstPointer || (w.build !== null && w.build <= 19045);
        let head = null;
        if (wantHead)
            head = w.target.memory.read(block, Math.min(bytes, 0x40 + ps), "heap block");
        if (head && !(head instanceof Unreadable)) {
            pad = frontPadding(pointer(head, 0, ps), bytes - unused, ps, large, w.build);
            if (w.options.readFirstPointer && pad + ps <= head.length)
                firstPointer = pointer(head, pad, ps);
        }
        const size = Math.max(0, bytes - unused - pad);
        let stackRecord = null;
        if (extraPresent && unused > 0) {
            const tailAt = block.add(pad + size);
            const tail = w.target.memory.read(tailAt, Math.min(unused, 0x1000), "extras trailer");
            if (!(tail instanceof Unreadable))
                stackRecord = findExtrasPointer(tail, tailAt, ps);
            else
                w.part.notWalked.push({ heap: w.heap, part: kind + " block trailer", address: tailAt, reason: "unreadable (" + tail.describe(ps) + "): the block is listed without its +ust stack" });
        }
        return push(w, { address: block.add(pad), size, heap: w.heap, kind, header: null, stackRecord, firstPointer, blockBytes: bytes });
    }
    /** The large blocks: the LargeAllocMetadata RB tree, depth first, each node read once (see the header comment on links). */
    function walkLargeBlocks(w, header) {
        const { ps, layouts } = w;
        const h = layouts.heap;
        const a = layouts.largeAlloc;
        const treeAt = w.heap.add(h.offsets.LargeAllocMetadata);
        const root = pointer(header, h.offsets.LargeAllocMetadata, ps);
        const encoded = (pointer(header, h.offsets.LargeAllocMetadata + ps, ps).lo & 1) === 1;
        if (root.isNull && !encoded)
            return;
        const visited = new Set();
        // Each entry: the candidate addresses of one node (two when the tree is encoded).
        const stack = [encoded ? [xor64(root, treeAt), root] : [root]];
        let nodes = 0;
        while (stack.length > 0 && !w.full) {
            const candidates = stack.pop().filter((c) => !c.isNull);
            if (candidates.length === 0)
                continue;
            let taken = null;
            // The first candidate is the reading the tree's Encoded bit implies; its failure is the one reported.
            let why = "";
            for (const node of candidates) {
                if (!isUserPointer(node, ps)) {
                    why = why || "leads to " + node.format(ps) + ", not a user-mode address";
                    continue;
                }
                if (visited.has(node.key)) {
                    why = why || "leads back to " + node.format(ps) + " (a loop)";
                    continue;
                }
                const bytes = w.target.memory.read(node.subtract(a.offsets.TreeNode), a.size, "_HEAP_LARGE_ALLOC_DATA");
                if (bytes instanceof Unreadable) {
                    why = why || "leads to the node at " + node.format(ps) + ", which is unreadable (" + bytes.describe(ps) + ")";
                    continue;
                }
                const decoded = decodeLargeAlloc(pointer(bytes, a.offsets.VirtualAddress, ps), ps === 8 ? u64Address(bytes, a.offsets.AllocatedPages) : new Address(0, u32(bytes, a.offsets.AllocatedPages)), ps);
                if (decoded.pages === 0 || decoded.block.lo % 0x1000 !== 0 || !isUserPointer(decoded.block, ps) || decoded.unused > decoded.pages * 0x1000) {
                    why = why || "leads to the node at " + node.format(ps) + ", which holds VirtualAddress " + pointer(bytes, a.offsets.VirtualAddress, ps).format(ps) + " and " + decoded.pages + " pages, not a large block";
                    continue;
                }
                taken = { node, bytes, decoded };
                break;
            }
            if (!taken) {
                w.part.notWalked.push({ heap: w.heap, part: "large block tree", address: candidates[0], reason: "a link " + why + "; the blocks under it were not walked" });
                continue;
            }
            visited.add(taken.node.key);
            if (++nodes > w.maxBlocks) {
                w.part.notWalked.push({ heap: w.heap, part: "large block tree", address: taken.node, reason: "more than " + w.maxBlocks + " nodes (maxBlocksPerHeap); " + raiseHint("maxBlocksPerHeap") });
                break;
            }
            const d = taken.decoded;
            largeLike(w, d.block, d.pages * 0x1000, d.unused, d.extraPresent, "Large", true);
            const base = a.offsets.TreeNode;
            for (const side of [ps, 0]) {
                const raw = pointer(taken.bytes, base + side, ps);
                if (raw.isNull)
                    continue;
                stack.push(encoded ? [xor64(raw, taken.node), xor64(raw, treeAt)] : [raw]);
            }
        }
    }

    const virtblockLimits = {
        /** Heaps in one process: real processes have tens, rarely a few hundred (MaximumNumberOfHeaps grows by 16). */
        maxHeaps: 4096,
        /** Virtual blocks in one heap: each is at least 512 KB (x64) of address space, so 2^20 of them would need
         *  512 GB; more than the work limit (200,000 unless raised with !ltlimits) is a corrupted list. */
        get maxBlocksPerHeap() {
            return workLimit("maxBlocksPerHeap");
        },
        /** Segments in one heap: a growable heap doubles each new segment, so even 64 segments is far beyond real use. */
        maxSegmentsPerHeap: 1024,
    };
    /** PEB.NtGlobalFlag, NumberOfHeaps and ProcessHeaps in one read, then the heap pointer array in one read. */
    function readProcessHeaps(target, peb, constants) {
        const p = constants.peb;
        const ps = target.pointerSize;
        const header = target.memory.read(peb, Math.max(p.ProcessHeaps + ps, p.OSBuildNumber + 2), "_PEB");
        if (header instanceof Unreadable)
            return header;
        const ntGlobalFlag = u32(header, p.NtGlobalFlag);
        const count = u32(header, p.NumberOfHeaps);
        const array = pointer(header, p.ProcessHeaps, ps);
        const result = { peb, ntGlobalFlag, ust: (ntGlobalFlag & FLG_USER_STACK_TRACE_DB) !== 0, heaps: [], problem: null };
        const shown = Math.min(count, virtblockLimits.maxHeaps);
        if (count > shown)
            result.problem = "NumberOfHeaps is " + count + "; only the first " + shown + " (maxHeaps) are walked";
        if (shown === 0)
            return result;
        const bytes = target.memory.read(array, shown * ps, "_PEB.ProcessHeaps array");
        if (bytes instanceof Unreadable) {
            result.problem = (result.problem ? result.problem + "; " : "") + bytes.describe(ps);
            return result;
        }
        for (let i = 0; i < shown; i++) {
            const heap = pointer(bytes, i * ps, ps);
            if (!heap.isNull)
                result.heaps.push(heap);
        }
        return result;
    }
    /** A user-mode address a heap link may hold: non-null, below the top of user space, pointer-aligned. */
    function isPlausibleUserAddress(address, pointerSize) {
        if (address.isNull)
            return false;
        if (address.lo % pointerSize !== 0)
            return false;
        // x64 user space ends at 0x7FFF`FFFFFFFF (128 TB); a 32-bit process's at 4 GB.
        return pointerSize === 8 ? address.hi < 0x8000 : address.hi === 0;
    }
    /** `onBlock` is called once per entry walked, for progress. */
    function walkHeap(target, heap, layouts, ust, onBlock) {
        const ps = target.pointerSize;
        const report = { heap, kind: "unreadable", encoded: false, blocks: [], problem: null, segmentTotals: null, segments: null };
        const h = layouts.heap.offsets;
        const enc = layouts.constants.encodedEntryOffset;
        let headerSize = Math.max(h.VirtualAllocdBlocks + 2 * ps, h.SegmentList + 2 * ps, h.NumberOfUnCommittedPages + 4, h.Encoding + enc + 8, h.EncodeFlagMask + 4, layouts.constants.signatureOffset + 4);
        const seg = layouts.segment;
        if (!("kind" in seg)) {
            headerSize = Math.max(headerSize, seg.offsets.LargeReservedPages + 8, seg.offsets.LargeCommittedPages + 8);
        }
        const header = target.memory.read(heap, headerSize, "_HEAP");
        if (header instanceof Unreadable) {
            report.problem = "the heap header " + header.describe(ps);
            return report;
        }
        const signature = u32(header, layouts.constants.signatureOffset);
        if (signature === SEGMENT_HEAP_SIGNATURE$1) {
            report.kind = "segment";
            if (!("kind" in seg)) {
                const pages = (field) => unsigned(header, seg.offsets[field], seg.sizes[field] || ps);
                report.segmentTotals = { reservedBytes: pages("LargeReservedPages") * 0x1000, committedBytes: pages("LargeCommittedPages") * 0x1000 };
            }
            segmentLargeBlocks(target, heap, report);
            return report;
        }
        if (signature !== NT_HEAP_SIGNATURE) {
            report.kind = "unknown";
            report.problem = "the signature at +0x" + layouts.constants.signatureOffset.toString(16) + " is 0x" + signature.toString(16) +
                ", neither an NT heap (0xffeeffee) nor a segment heap (0xddeeddee)";
            return report;
        }
        report.kind = "nt";
        report.segments = walkSegments(target, heap, header, layouts);
        report.encoded = (u32(header, h.EncodeFlagMask) & HEAP_ENCODING_ENABLED) !== 0;
        const key = header.subarray(h.Encoding + enc, h.Encoding + enc + 8);
        const head = heap.add(h.VirtualAllocdBlocks);
        const visited = new Set();
        let link = pointer(header, h.VirtualAllocdBlocks, ps);
        let from = head;
        const e = layouts.entry;
        const readSize = ust ? e.size + ps : e.size;
        while (!link.equals(head)) {
            if (onBlock)
                onBlock();
            const where = "the link at " + from.format(ps) + " (" + link.format(ps) + ")";
            if (report.blocks.length >= virtblockLimits.maxBlocksPerHeap) {
                report.problem = "more than " + virtblockLimits.maxBlocksPerHeap + " entries (maxBlocksPerHeap); stopped at " + where + " (" + raiseHint("maxBlocksPerHeap") + ")";
                break;
            }
            if (!isPlausibleUserAddress(link, ps)) {
                report.problem = where + " points outside the process";
                break;
            }
            if (visited.has(link.key)) {
                report.problem = where + " points back to an entry already walked (a cycle)";
                break;
            }
            visited.add(link.key);
            const bytes = target.memory.read(link, readSize, "_HEAP_VIRTUAL_ALLOC_ENTRY", false);
            if (bytes instanceof Unreadable) {
                report.problem = where + " leads to an unreadable entry: " + bytes.describe(ps);
                break;
            }
            report.blocks.push(decodeEntry$1(bytes, heap, link, layouts, report.encoded ? key : null, ust, ps));
            from = link;
            link = pointer(bytes, e.offsets.Entry, ps);
        }
        return report;
    }
    /**
     * A segment heap's large blocks (its virtual blocks: the LargeAllocMetadata tree) through the segment-heap walker.
     * Only damage to the tree is reported as a problem; a build without a layout keeps the counters-only note.
     */
    function segmentLargeBlocks(target, heap, report) {
        const part = walkSegmentHeap(target, heap, { includeFree: false, readFirstPointer: false, kinds: ["Large"] });
        for (const b of part.blocks) {
            const bytes = b.blockBytes || b.size;
            report.blocks.push({ heap, entry: b.address, userAddress: b.address, userSize: b.size, commitSize: bytes, reserveSize: bytes, sizeDecoded: true, trace: b.stackRecord, traceIndex: 0 });
        }
        const damage = part.notWalked.filter((n) => n.part === "large block tree");
        if (damage.length)
            report.problem = damage.map((n) => n.reason).join("; ");
    }
    function decodeEntry$1(bytes, heap, entry, layouts, key, ust, ps) {
        const e = layouts.entry;
        const commitSize = unsigned(bytes, e.offsets.CommitSize, e.sizes.CommitSize || ps);
        const reserveSize = unsigned(bytes, e.offsets.ReserveSize, e.sizes.ReserveSize || ps);
        // BusyBlock: its Size field holds the unused-byte count of a virtual block (§1.4); decoded with the heap's
        // Encoding when entries are encoded (§1.2).
        const at = e.offsets.BusyBlock + layouts.constants.encodedEntryOffset;
        const b = new Uint8Array(8);
        for (let i = 0; i < 8; i++)
            b[i] = bytes[at + i] ^ (key ? key[i] : 0);
        const unused = u16(b, 0);
        const checksumOk = !key || (b[0] ^ b[1] ^ b[2] ^ b[3]) === 0;
        const sizeDecoded = checksumOk && unused <= commitSize;
        const userSize = sizeDecoded ? commitSize - unused : commitSize;
        const trace = ust ? pointer(bytes, e.size, ps) : null;
        return {
            heap,
            entry,
            userAddress: entry.add(e.size + (ust ? layouts.constants.ustPrefix : 0)),
            userSize,
            commitSize,
            reserveSize,
            sizeDecoded,
            trace: trace && !trace.isNull ? trace : null,
            traceIndex: u16(bytes, e.offsets.ExtraStuff),
        };
    }
    /**
     * The heap's segments through _HEAP.SegmentList (the heap itself is the first): reserved = LastValidEntry - base,
     * committed = reserved - NumberOfUnCommittedPages pages, as `!heap -h` prints "Segment at X to Y (Z bytes committed)".
     * One read per segment other than the heap itself.
     */
    function walkSegments(target, heap, header, layouts) {
        const ps = target.pointerSize;
        const h = layouts.heap.offsets;
        const result = { count: 0, reservedBytes: 0, committedBytes: 0, problem: null };
        const head = heap.add(h.SegmentList);
        const visited = new Set();
        let link = pointer(header, h.SegmentList, ps);
        let from = head;
        const size = h.NumberOfUnCommittedPages + 4;
        while (!link.equals(head)) {
            const where = "the segment link at " + from.format(ps) + " (" + link.format(ps) + ")";
            if (result.count >= virtblockLimits.maxSegmentsPerHeap) {
                result.problem = "more than " + virtblockLimits.maxSegmentsPerHeap + " segments (maxSegmentsPerHeap); stopped at " + where;
                break;
            }
            if (!isPlausibleUserAddress(link, ps) || visited.has(link.key)) {
                result.problem = where + (visited.has(link.key) ? " points back to a segment already walked (a cycle)" : " points outside the process");
                break;
            }
            visited.add(link.key);
            const base = link.subtract(h.SegmentListEntry);
            const bytes = base.equals(heap) ? header : target.memory.read(base, size, "_HEAP_SEGMENT", false);
            if (bytes instanceof Unreadable) {
                result.problem = where + " leads to an unreadable segment: " + bytes.describe(ps);
                break;
            }
            const end = pointer(bytes, h.LastValidEntry, ps);
            const reserved = end.distanceFrom(base);
            const uncommitted = u32(bytes, h.NumberOfUnCommittedPages) * 0x1000;
            if (reserved === null || uncommitted > reserved) {
                result.problem = "the segment at " + base.format(ps) + " has LastValidEntry " + end.format(ps) + " and " +
                    uncommitted / 0x1000 + " uncommitted pages, which do not fit";
                break;
            }
            result.count++;
            result.reservedBytes += reserved;
            result.committedBytes += reserved - uncommitted;
            from = link;
            link = pointer(bytes, h.SegmentListEntry, ps);
        }
        return result;
    }

    // Allocation stacks of virtual blocks from the user-mode stack trace database (`gflags +ust`): each distinct
    // _RTL_STACK_TRACE_ENTRY read once, blocks grouped by their frames, each distinct frame symbolized once.
    /** Reads stack trace entries, each once; resolves AllocatorBackTraceIndex through RtlpStackTraceDataBase. */
    class TraceReader {
        constructor(target, layout) {
            this.target = target;
            this.layout = layout;
            this.traces = new Map();
        }
        traceOf(block) {
            if (block.trace)
                return this.read(block.trace);
            if (block.traceIndex) {
                const entry = this.entryForIndex(block.traceIndex);
                if (entry instanceof Address)
                    return this.read(entry);
                return { problem: entry };
            }
            return { problem: "no stack recorded for this block" };
        }
        read(address) {
            const cached = this.traces.get(address.key);
            if (cached)
                return cached;
            const ps = this.target.pointerSize;
            const l = this.layout;
            const bytes = this.target.memory.read(address, l.entrySize, "_RTL_STACK_TRACE_ENTRY");
            let trace;
            if (bytes instanceof Unreadable) {
                trace = { problem: bytes.describe(ps) };
            }
            else {
                // Depth, else the Index slot that HS/DLG read for +ust entries (§1.7, unconfirmed); never above 32.
                let depth = u16(bytes, l.entryDepth);
                if (depth < 1 || depth > l.maxDepth)
                    depth = u16(bytes, l.entryIndex);
                if (depth < 1 || depth > l.maxDepth) {
                    trace = { problem: "the stack trace entry at " + address.format(ps) + " has an implausible depth" };
                }
                else {
                    const frames = [];
                    for (let i = 0; i < depth; i++)
                        frames.push(pointer(bytes, l.entryBackTrace + i * ps, ps));
                    trace = { frames };
                }
            }
            this.traces.set(address.key, trace);
            return trace;
        }
        /** `entry = *(EntryIndexArray - index * ptrsize)`, valid for 0 < index <= NumberOfEntriesAdded (§1.6). */
        entryForIndex(index) {
            const ps = this.target.pointerSize;
            if (this.database === undefined) {
                const db = this.target.readGlobalPointer("ntdll", "RtlpStackTraceDataBase");
                if (db === null || db instanceof Unreadable || db.isNull) {
                    this.database = db instanceof Unreadable ? db : null;
                }
                else {
                    const bytes = this.target.memory.read(db, this.layout.dbEntryIndexArray + ps, "_STACK_TRACE_DATABASE");
                    this.database = bytes instanceof Unreadable
                        ? bytes
                        : { added: u32(bytes, this.layout.dbNumberOfEntriesAdded), indexArray: pointer(bytes, this.layout.dbEntryIndexArray, ps) };
                }
            }
            const db = this.database;
            if (db === null)
                return "ntdll!RtlpStackTraceDataBase was not found (symbols for ntdll are needed for trace indexes)";
            if (db instanceof Unreadable)
                return db.describe(ps);
            if (index > db.added)
                return "trace index " + index + " is beyond NumberOfEntriesAdded (" + db.added + ")";
            const slot = this.target.memory.readPointer(db.indexArray.subtract(index * ps), "EntryIndexArray slot");
            if (slot instanceof Unreadable)
                return slot.describe(ps);
            return slot;
        }
    }
    /** Groups blocks by their frames (or by why they have none), largest total user bytes first. */
    function groupByStack(blocks, reader) {
        const groups = new Map();
        for (const block of blocks) {
            const trace = reader.traceOf(block);
            const frames = "frames" in trace ? trace.frames : [];
            const problem = "problem" in trace ? trace.problem : null;
            const key = problem !== null ? "?" + problem : frames.map((f) => f.key).join(",");
            let group = groups.get(key);
            if (!group) {
                group = { frames, problem, blocks: [], totalBytes: 0 };
                groups.set(key, group);
            }
            group.blocks.push(block);
            group.totalBytes += block.userSize;
        }
        const list = [];
        groups.forEach((g) => list.push(g));
        return list.sort((a, b) => b.totalBytes - a.totalBytes || b.blocks.length - a.blocks.length);
    }
    /** `module!symbol+0x..`; `module+0x..` without a symbol; outside every module: JIT code, with the SOS hint. */
    function describeFrame(target, frame) {
        const ps = target.pointerSize;
        const module = target.moduleContaining(frame);
        // Without a module list (a dump without loader data) "outside every module" says nothing: symbolize only.
        if (!module && target.modules().length === 0) {
            const symbol = target.symbolize(frame).symbol;
            return { text: symbol || frame.format(ps), jit: false };
        }
        if (!module)
            return { text: frame.format(ps) + " (JIT? !ip2md " + frame.format(ps) + ")", jit: true };
        const symbol = target.symbolize(frame).symbol;
        if (symbol)
            return { text: symbol, jit: false };
        const offset = frame.distanceFrom(module.base);
        return { text: module.name + "+0x" + (offset === null ? "?" : offset.toString(16)), jit: false };
    }
    /**
     * Modules whose frames are the allocator, never the caller: the heap itself (ntdll), its Win32 front ends
     * (kernel32, kernelbase) and the C runtimes' malloc/new (msvcrt, ucrtbase, msvcrNNN, vcruntimeNNN).
     */
    const ALLOCATOR_MODULES = /^(ntdll|kernel32|kernelbase|msvcrt|ucrtbased?|msvcr\d+d?|vcruntime\d+d?)[!+]/i;
    /** Functions named as allocation wrappers (halcon!HXmalloc, HXAllocTmp, operator new, xmalloc): a name heuristic. */
    const WRAPPER_NAME$1 = /!(?:[^+]*(?:alloc|malloc|operator new)[^+]*)\+/i;
    /**
     * The caller of an allocation stack, innermost first: the first frame outside the allocator modules and outside
     * functions whose names say they allocate (a heuristic, said so in the README). When every frame is one of those,
     * the first frame past the allocator modules, else the innermost frame; null for an empty stack.
     */
    function callerFrame(frames) {
        const outside = frames.filter((f) => !ALLOCATOR_MODULES.test(f));
        const caller = outside.filter((f) => !WRAPPER_NAME$1.test(f))[0];
        return caller || outside[0] || frames[0] || null;
    }

    // 0:000> !virtblocks
    // 0:000> !virtblocks 0x29fb0000
    // 0:000> dx @$virtblocks().Blocks.Where(b => b.UserSize > 0x1000000).Count()
    // 0:000> dx -g @$virtstacks().Stacks
    // Every NT heap's VirtualAllocdBlocks (the blocks over 512 KB that !heap -s leaves out of its Commit column), with
    // their allocation stacks from the +ust database, even when !heap fails and the heap types are missing.
    const TOP_STACKS = 10;
    /** Heaps named in the one line that refuses a heap argument: enough to pick from, short enough for one line. */
    const HEAPS_NAMED = 8;
    /** Entries named per heap when their BusyBlock does not decode; the rest are counted. */
    const ENTRIES_NAMED = 5;
    /** Blocks (one read each over KDNET, ~2.5 s per 5,000) from which the walk prints progress every 10%. */
    const LARGE_BLOCK_COUNT = 1000;
    function virtblocksCommand() {
        return {
            name: "virtblocks",
            usage: "!virtblocks [heap]",
            summary: "Every NT heap's virtual blocks (> 512 KB), their totals and the top allocation stacks",
            resultNoun: ["virtual block", "virtual blocks"],
            quietRepeats: true,
            keepsResult: true,
            help: {
                arguments: [
                    { name: "heap", text: "optional: one heap's address as !heap -s lists it, typed 0x29fb0000 (dx needs the 0x); none walks every heap" },
                ],
                records: [
                    { name: "Blocks", text: "every virtual block: Heap, Entry, UserAddress, UserSize, CommitSize, ReserveSize, Caller, Stack" },
                    { name: "Stacks", text: "the blocks grouped by allocation stack (+ust): Caller, Count, Bytes, Example, Frames" },
                    { name: "Heaps", text: "one row per heap walked: Heap, Kind, Count, Committed, UserBytes, SegmentsCommitted, Note" },
                    { name: "Count, Committed, UserBytes", text: "the totals of the blocks listed" },
                ],
                examples: [
                    { command: "!virtblocks", text: "every heap of the process, the largest stacks first" },
                    { command: "!virtblocks 0x29fb0000", text: "one heap" },
                    { command: "dx @$virtblocks(0x29fb0000).Blocks.Where(b => b.UserSize > 0x1000000).Count()", text: "blocks over 16 MB" },
                    { command: "dx -g @$virtblocks().Blocks.OrderByDescending(b => b.UserSize).Take(10)", text: "the ten largest blocks" },
                ],
            },
            run(ctx, args) {
                const analysis = analyze(ctx, args, "virtblocks");
                if (!analysis)
                    return undefined;
                printAnswer(ctx, analysis);
                ctx.out.lines(analysis.details);
                printTopStacks(ctx, analysis, TOP_STACKS);
                ctx.out.lines(nextBlock(blocksNext(ctx, analysis)));
                return blocksResult$1(ctx, analysis);
            },
        };
    }
    function virtstacksCommand() {
        return {
            name: "virtstacks",
            usage: "!virtstacks [heap]",
            summary: "Virtual blocks grouped by allocation stack (+ust), largest first",
            resultNoun: ["stack", "stacks"],
            quietRepeats: true,
            keepsResult: true,
            help: {
                arguments: [{ name: "heap", text: "optional: one heap's address, typed 0x29fb0000; none groups the blocks of every heap" }],
                records: [
                    { name: "Stacks", text: "one group per distinct allocation stack, largest first: Caller, Count, Bytes, Example, Frames" },
                    { name: "Count, Bytes", text: "the virtual blocks grouped and their user bytes" },
                ],
                examples: [
                    { command: "!virtstacks", text: "every stack, largest first" },
                    { command: "dx -g @$virtstacks().Stacks.Select(s => new { s.Caller, s.Count, s.Bytes })", text: "one line per stack" },
                ],
            },
            run(ctx, args) {
                const analysis = analyze(ctx, args, "virtstacks");
                if (!analysis)
                    return undefined;
                const blocks = analysis.reports.reduce((n, r) => n + r.blocks.length, 0);
                const bytes = analysis.groups.reduce((n, g) => n + g.totalBytes, 0);
                if (!analysis.ust) {
                    ctx.out.line(plural(blocks, "virtual block") + (analysis.only ? " in heap 0x" + analysis.only.toHex() : "") + "; no allocation stacks to group.");
                    ctx.out.lines(analysis.details.filter((l) => /^(Layout|Allocation stacks):/.test(l)));
                    ctx.out.lines(analysis.problems);
                    return { Stacks: [], Count: blocks, Bytes: 0, toString: () => "no allocation stacks (+ust is off)" };
                }
                const top = analysis.groups[0];
                ctx.out.line(plural(analysis.groups.length, "allocation stack") + " over " + plural(blocks, "virtual block") + ", " + sizeText(bytes) + " user bytes" +
                    (top ? "; the largest: " + plural(top.blocks.length, "block") + ", " + sizeText(top.totalBytes) + ", caller " + callerText(top, analysis) + "." : "."));
                ctx.out.lines(analysis.details.filter((l) => /^Layout:/.test(l)));
                ctx.out.lines(analysis.problems);
                printTopStacks(ctx, analysis, analysis.groups.length);
                const steps = [];
                if (top)
                    steps.push({ command: "!heap -p -a " + top.blocks[0].userAddress.format(ctx.target.pointerSize), why: "the largest stack's first block as the debugger sees it" });
                steps.push({ command: "!virtblocks" + (analysis.only ? " 0x" + analysis.only.toHex() : ""), why: "the heaps and their totals" });
                ctx.out.lines(nextBlock(steps));
                const records = analysis.groups.map((g) => groupRecord(g, analysis));
                return { Stacks: records, Count: blocks, Bytes: bytes, toString: () => plural(records.length, "stack") + ", " + plural(blocks, "virtual block") + ", " + sizeText(bytes) };
            },
        };
    }
    function analyze(ctx, args, name) {
        const target = ctx.target;
        // The answer leads (output conventions 1): what the walk learns on the way is kept and printed after it.
        const out = new BufferedPrinter(ctx.out);
        if (target.isKernel) {
            ctx.out.line(messages.needsUserMode(name, target.isDump));
            return null;
        }
        const refuse = (text) => {
            ctx.out.line(text);
            return null;
        };
        let only = null;
        if (args.length > 1 || (args.length === 1 && argKind(args[0]) !== "missing")) {
            only = args.length === 1 ? addressArg$1(args[0]) : null;
            if (!only) {
                return refuse(messages.virtblocksUsage(name, describeArg(args.length === 1 ? args[0] : "several arguments")));
            }
        }
        const ps = target.pointerSize;
        const constants = heapConstants(ps);
        const peb = target.pebAddress();
        if (!peb) {
            return refuse(messages.virtblocksNoPeb());
        }
        const process = readProcessHeaps(target, peb, constants);
        if (process instanceof Unreadable) {
            return refuse(messages.unreadable("the PEB's heap list", process.address.format(ps)));
        }
        if (only) {
            const why = notAHeapReason(only, process.heaps, process.problem !== null, ps);
            if (why) {
                const shown = process.heaps.slice(0, HEAPS_NAMED);
                return refuse(messages.virtblocksNotAHeap(name, "0x" + only.toHex(), why, shown.map((h) => "0x" + h.toHex()), process.heaps.length - shown.length));
            }
        }
        const build = target.windowsBuild();
        const types = (m, t) => target.type(m, t);
        const heapLayout = resolveLayout(HEAP, types, ps, build);
        const entryLayout = resolveLayout(HEAP_VIRTUAL_ALLOC_ENTRY, types, ps, build);
        if (isLayoutMissing(heapLayout) || isLayoutMissing(entryLayout)) {
            return refuse(messages.virtblocksLayoutMissing(isLayoutMissing(heapLayout) ? heapLayout.reason : entryLayout.reason));
        }
        const layouts = { heap: heapLayout, entry: entryLayout, segment: resolveLayout(SEGMENT_HEAP$1, types, ps, build), constants };
        out.line("PEB " + peb.format(ps) + ": " + process.heaps.length + " heaps, NtGlobalFlag " + hex$2(process.ntGlobalFlag) +
            (process.ust ? " (+ust: allocation stacks recorded)" : ""));
        out.lines(layoutNote(heapLayout));
        out.lines(layoutNote(entryLayout));
        const early = [];
        if (process.problem) {
            early.push("PEB heap list: " + process.problem + ".");
            out.line(early[0]);
        }
        let heaps = process.heaps;
        if (only) {
            const wanted = only;
            heaps = heaps.filter((h) => h.equals(wanted));
            if (heaps.length === 0) {
                early.push(messages.virtblocksHeapNotInProcess(only.format(ps)));
                out.line(early[early.length - 1]);
                heaps = [only];
            }
        }
        const reports = [];
        // Progress in heaps walked; worth 10% steps once the walk has met LARGE_BLOCK_COUNT blocks (one read each).
        let walked = 0;
        const progress = new Progress(out, "Walking heaps", heaps.length, false, (done, total) => done + " of " + total + " heaps, " + walked + " blocks");
        for (let i = 0; i < heaps.length; i++) {
            const heap = heaps[i];
            progress.update(i);
            try {
                reports.push(walkHeap(target, heap, layouts, process.ust, () => {
                    walked++;
                    if (walked === LARGE_BLOCK_COUNT)
                        progress.large = true;
                    if (walked % 64 === 0)
                        progress.update(i);
                }));
            }
            catch (e) {
                reports.push({ heap, kind: "unreadable", encoded: false, blocks: [], problem: "walk failed: " + String(e), segmentTotals: null, segments: null });
            }
        }
        if (reports.some((r) => r.kind === "segment")) {
            if (isLayoutMissing(layouts.segment))
                out.line(messages.layoutFallback(layouts.segment.typeName + ": " + layouts.segment.reason));
            else
                out.lines(layoutNote(layouts.segment));
        }
        const problems = early.concat(printHeaps(target.pointerSize, out, reports));
        const blocks = [];
        for (const r of reports)
            for (const b of r.blocks)
                blocks.push(b);
        const reader = new TraceReader(target, stackTraceLayout(ps));
        const groups = process.ust ? groupByStack(blocks, reader) : [];
        const frameText = new Map();
        for (const g of groups) {
            for (const f of g.frames) {
                if (frameText.has(f.key))
                    continue;
                frameText.set(f.key, describeFrame(target, f).text);
            }
        }
        if (!process.ust)
            out.line(messages.virtblocksUstOff(hex$2(process.ntGlobalFlag)));
        return { only, reports, details: out.buffer, problems, groups, ust: process.ust, frameText };
    }
    /**
     * Why `heap` cannot be a heap of this process, or null when it may be one. A heap is a user-mode address, aligned
     * (heaps start on a page: they are reserved with NtAllocateVirtualMemory), and listed in the PEB's ProcessHeaps.
     * When that list could not be read in full, an address missing from it is read as asked (the caller says so).
     */
    function notAHeapReason(heap, heaps, listIncomplete, ps) {
        if (heap.isNull)
            return "a null address";
        if (!isPlausibleUserAddress(heap, ps))
            return ps === 8 && heap.hi >= 0x8000 ? "a kernel address, outside the process's user range" : "not a user-mode address of this process";
        if (heaps.some((h) => h.equals(heap)))
            return null;
        if (listIncomplete)
            return null;
        return "not in the PEB's ProcessHeaps list";
    }
    /** Prints the heap table into `out`; returns the lines that say what could not be walked (also printed). */
    function printHeaps(ps, out, reports) {
        const said = [];
        const problem = (text) => {
            out.line(text);
            said.push(text);
        };
        const sum = (r, f) => r.blocks.reduce((n, b) => n + f(b), 0);
        out.lines(renderTable([
            { header: "Heap", value: (r) => "0x" + r.heap.toHex() },
            { header: "Kind", value: (r) => (r.kind === "nt" ? "NT" + (r.encoded ? " (encoded)" : "") : r.kind) },
            { header: "Blocks", align: "right", value: (r) => (listsBlocks(r) ? groupDigits(r.blocks.length) : "") },
            { header: "Committed (blocks)", align: "right", value: (r) => (listsBlocks(r) ? sizeText(sum(r, (b) => b.commitSize)) : "") },
            { header: "User bytes", align: "right", value: (r) => (listsBlocks(r) ? sizeText(sum(r, (b) => b.userSize)) : "") },
            { header: "Heap committed (segments)", align: "right", value: (r) => (r.segments ? sizeText(r.segments.committedBytes) : "") },
            { header: "Note", value: (r) => heapNote(r) },
        ], reports));
        const total = reports.reduce((n, r) => n + r.blocks.length, 0);
        const committed = reports.reduce((n, r) => n + sum(r, (b) => b.commitSize), 0);
        const segments = reports.reduce((n, r) => n + (r.segments ? r.segments.committedBytes : 0), 0);
        out.line("Total: " + groupDigits(total) + " virtual blocks, " + sizeText(committed) + " committed; the heaps' segments: " +
            sizeText(segments) + " committed.");
        out.line(messages.virtblocksHeapCommitNote());
        for (const r of reports) {
            const undecoded = r.blocks.filter((b) => !b.sizeDecoded);
            if (undecoded.length) {
                const shown = undecoded.slice(0, ENTRIES_NAMED).map((b) => b.entry.format(ps)).join(", ");
                problem("Heap " + r.heap.format(ps) + ": the BusyBlock of the entr" + (undecoded.length === 1 ? "y" : "ies") + " at " + shown +
                    (undecoded.length > ENTRIES_NAMED ? " and " + (undecoded.length - ENTRIES_NAMED) + " more" : "") +
                    " fails its checksum or size check (decoded with the heap's Encoding); the user size shown is the commit size.");
            }
            // The table's Note column says this for !virtblocks; !virtstacks prints no table, so it gets the line itself.
            if (r.kind === "unreadable" || r.kind === "unknown")
                said.push("Heap " + r.heap.format(ps) + ": " + (r.problem || "not an NT or segment heap") + "; its blocks are not counted.");
            if (r.problem && (r.kind === "nt" || r.kind === "segment"))
                problem("Heap " + r.heap.format(ps) + ": the walk stopped: " + r.problem + "; the blocks before it are shown.");
            if (r.segments && r.segments.problem) {
                problem("Heap " + r.heap.format(ps) + ": the segment walk stopped: " + r.segments.problem + "; its committed bytes cover " + r.segments.count + " segments.");
            }
        }
        return said;
    }
    /** NT heaps, and segment heaps whose large blocks were found (walked by src/heap/user-segment-heap.ts). */
    function listsBlocks(r) {
        return r.kind === "nt" || (r.kind === "segment" && r.blocks.length > 0);
    }
    function heapNote(r) {
        if (r.kind === "segment") {
            return r.segmentTotals
                ? "segment heap - large allocations: committed " + sizeText(r.segmentTotals.committedBytes) + ", reserved " + sizeText(r.segmentTotals.reservedBytes)
                : messages.virtblocksSegmentNotWalked();
        }
        if (r.kind !== "nt")
            return r.problem || "";
        if (r.problem)
            return "walk stopped (see below)";
        return r.blocks.some((b) => !b.sizeDecoded) ? "some BusyBlocks did not decode: user size = commit size" : "";
    }
    function framesOf(g, a) {
        if (g.problem !== null)
            return new NotApplicable(g.problem);
        return g.frames.map((f) => a.frameText.get(f.key) || f.toString());
    }
    /** The group's caller as text, or why there is none. */
    function callerText(g, a) {
        const frames = framesOf(g, a);
        if (frames instanceof NotApplicable)
            return "unknown (" + frames.reason + ")";
        return callerFrame(frames) || "unknown (empty stack)";
    }
    /** The first lines: how many blocks, how many bytes, where, and the largest stack's caller. */
    function printAnswer(ctx, a) {
        const blocks = a.reports.reduce((n, r) => n + r.blocks.length, 0);
        const committed = a.reports.reduce((n, r) => n + r.blocks.reduce((m, b) => m + b.commitSize, 0), 0);
        const where = a.only ? "Heap 0x" + a.only.toHex() + ": " : "";
        if (blocks === 0) {
            ctx.out.line(where + "no virtual blocks" + (a.only ? "" : " in " + plural(a.reports.length, "heap")) + ": nothing over the heap's VirtualMemoryThreshold (512 KB on x64) is allocated.");
            return;
        }
        let text = where + plural(blocks, "virtual block") + (a.only ? "" : " in " + plural(a.reports.length, "heap")) + ", " + sizeText(committed) + " committed";
        if (!a.only) {
            const largest = a.reports.reduce((best, r) => (r.blocks.length > best.blocks.length ? r : best));
            if (a.reports.length > 1)
                text += "; heap 0x" + largest.heap.toHex() + " holds " + groupDigits(largest.blocks.length);
        }
        const top = a.groups[0];
        if (top)
            text += ". Largest stack: " + plural(top.blocks.length, "block") + ", " + sizeText(top.totalBytes) + ", caller " + callerText(top, a);
        else if (!a.ust)
            text += "; no allocation stacks (+ust is off)";
        ctx.out.line(text + ".");
    }
    function blocksNext(ctx, a) {
        const ps = ctx.target.pointerSize;
        const largest = a.reports.reduce((best, r) => (r.blocks.length > 0 && (!best || r.blocks.length > best.blocks.length) ? r : best), null);
        if (!largest)
            return [];
        const heap = "0x" + largest.heap.toHex();
        const steps = [{ command: "dx -g @$virtblocks(" + heap + ").Blocks", why: "that heap's blocks, one row each" }];
        const example = a.groups.length ? a.groups[0].blocks[0] : largest.blocks[0];
        steps.push({ command: "!heap -p -a " + example.userAddress.format(ps), why: "one block as the debugger sees it" + (a.ust ? ", with its stack" : "") });
        if (a.ust && a.groups.length > TOP_STACKS)
            steps.push({ command: "!virtstacks" + (a.only ? " 0x" + a.only.toHex() : ""), why: "all " + groupDigits(a.groups.length) + " stacks" });
        return steps;
    }
    function printTopStacks(ctx, a, top) {
        if (!a.ust || a.groups.length === 0)
            return;
        ctx.out.line("");
        ctx.out.line((top >= a.groups.length ? "Allocation stacks by user bytes (" + a.groups.length + "):" : "Top " + top + " allocation stacks by user bytes (of " + a.groups.length + "):"));
        a.groups.slice(0, top).forEach((g, i) => {
            // One block of the group, for the debugger's own view of it (the seed's author checked a block this way).
            const example = "!heap -p -a " + g.blocks[0].userAddress.format(ctx.target.pointerSize);
            ctx.out.line("#" + (i + 1) + "  " + plural(g.blocks.length, "block") + ", " + sizeText(g.totalBytes) + ", caller " + callerText(g, a) + "   e.g. " + example);
            const frames = framesOf(g, a);
            if (frames instanceof NotApplicable)
                ctx.out.line("      (" + frames.reason + ")");
            else
                for (const f of frames)
                    ctx.out.line("      " + f);
        });
    }
    function blocksResult$1(ctx, a) {
        const blocks = blockRecords(ctx, a);
        const committed = blocks.reduce((n, b) => n + b.CommitSize, 0);
        const user = blocks.reduce((n, b) => n + b.UserSize, 0);
        const sum = (r, f) => r.blocks.reduce((n, b) => n + f(b), 0);
        return {
            Count: blocks.length,
            Committed: committed,
            UserBytes: user,
            Blocks: blocks,
            Stacks: a.groups.map((g) => groupRecord(g, a)),
            Heaps: a.reports.map((r) => ({
                Heap: r.heap,
                Kind: r.kind,
                Count: r.blocks.length,
                Committed: sum(r, (b) => b.commitSize),
                UserBytes: sum(r, (b) => b.userSize),
                SegmentsCommitted: r.segments ? r.segments.committedBytes : new NotApplicable("not an NT heap"),
                Note: heapNote(r),
                toString: () => "0x" + r.heap.toHex() + ": " + plural(r.blocks.length, "virtual block") + ", " + sizeText(sum(r, (b) => b.commitSize)),
            })),
            toString: () => plural(blocks.length, "virtual block") + ", " + sizeText(committed) + " committed",
        };
    }
    function blockRecords(ctx, a) {
        const ps = ctx.target.pointerSize;
        const stackOf = new Map();
        for (const g of a.groups)
            for (const b of g.blocks)
                stackOf.set(b, g);
        const noUst = new NotApplicable("+ust is off: gflags /i app.exe +ust");
        const records = [];
        for (const r of a.reports) {
            for (const b of r.blocks) {
                const g = a.ust ? stackOf.get(b) : undefined;
                const frames = g ? framesOf(g, a) : noUst;
                const caller = frames instanceof NotApplicable ? frames : callerFrame(frames) || new NotApplicable("empty stack");
                records.push({
                    Heap: b.heap,
                    Entry: b.entry,
                    UserAddress: b.userAddress,
                    UserSize: b.userSize,
                    CommitSize: b.commitSize,
                    ReserveSize: b.reserveSize,
                    Caller: caller,
                    Stack: frames,
                    toString: () => b.userAddress.format(ps) + " " + sizeText(b.userSize) + (caller instanceof NotApplicable ? "" : ", caller " + caller),
                });
            }
        }
        return records;
    }
    function groupRecord(g, a) {
        const frames = framesOf(g, a);
        const caller = frames instanceof NotApplicable ? frames : callerFrame(frames) || new NotApplicable("empty stack");
        return {
            Caller: caller,
            Count: g.blocks.length,
            Bytes: g.totalBytes,
            Example: g.blocks[0].userAddress,
            Frames: frames,
            toString: () => plural(g.blocks.length, "block") + ", " + sizeText(g.totalBytes) + ", caller " + callerText(g, a),
        };
    }

    // The bugcheck code and its four parameters. nt!KiBugCheckData is ULONG_PTR[5] (layouts.md §5); when it cannot be
    // read, `.bugcheck` answers from the dump header: "Bugcheck code 000000C4" then "Arguments <p1> <p2> <p3> <p4>"
    // (format from the debugger's documentation of .bugcheck).
    function readBugCheck(target) {
        const at = target.symbolAddress("nt", "KiBugCheckData");
        let reason = "nt!KiBugCheckData was not found";
        if (at) {
            const bytes = target.memory.read(at, 5 * target.pointerSize, "nt!KiBugCheckData");
            if (!(bytes instanceof Unreadable))
                return decodeKiBugCheckData(bytes, target.pointerSize);
            reason = bytes.describe(target.pointerSize);
        }
        const out = target.executeCommand(".bugcheck");
        const parsed = out.error ? null : parseBugCheckCommand(out.lines);
        if (parsed)
            return parsed;
        return { kind: "unavailable", reason };
    }
    function decodeKiBugCheckData(bytes, pointerSize) {
        const code = pointer(bytes, 0, pointerSize).lo;
        if (code === 0)
            return { kind: "none" };
        const p = (i) => pointer(bytes, (i + 1) * pointerSize, pointerSize);
        return { code, parameters: [p(0), p(1), p(2), p(3)], source: "nt!KiBugCheckData" };
    }
    function parseBugCheckCommand(lines) {
        let code = null;
        for (const line of lines) {
            const c = /^\s*Bugcheck code\s+([0-9a-fA-F]{1,8})\s*$/.exec(line);
            if (c)
                code = parseInt(c[1], 16);
            const a = /^\s*Arguments\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$/.exec(line);
            if (a && code !== null) {
                const params = [a[1], a[2], a[3], a[4]].map((t) => Address.parse(t));
                if (params.some((p) => p === null))
                    return null;
                if (code === 0)
                    return { kind: "none" };
                return { code, parameters: params, source: ".bugcheck" };
            }
        }
        return null;
    }
    function isBugCheck(value) {
        return value.code !== undefined;
    }

    // Driver Verifier pool tracking. Source: research/layouts.md §4 (VR: Vergilius PDB dumps; ND; WRK verifier.c); the
    // x64 variants for 8.1, 1607 and Server 2022, and the ranges reaching 1909 (18363), come from Microsoft's PDBs
    // (test/fixtures/pdb-layouts), against which every x64 variant is held (`checkedAgainst`). Windows 8, 1507-1511,
    // 1703-1803 and Windows 11 24H2 have no built-in variant: there the command falls back to `!verifier 3`.
    const WIN7_SP1 = 7601;
    const WIN81 = 9600;
    const WIN10_1607 = 14393;
    const WIN10_1809 = 17763;
    /** 1909 reports 18363 on 1903's kernel (18362). */
    const WIN10_1909 = 18363;
    const WIN10_2004 = 19041;
    const WIN10_22H2 = 19045;
    const SERVER_2022 = 20348;
    const WIN11_23H2 = 22631;
    /** Win7 SP1's offsets, which 8.1 and 1607 keep (their PDBs). */
    const WIN7_X64_OFFSETS = { SuspectDriverEntry: 0, PoolPageHeaders: 0x30, PoolTrackers: 0x40, CurrentPagedPoolAllocations: 0x50, CurrentNonPagedPoolAllocations: 0x54, PagedBytes: 0x60, NonPagedBytes: 0x68 };
    const X64_SIZES = { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 8, NonPagedBytes: 8 };
    /** The per-driver data bugcheck 0xC4/0x62 passes as Arg3 (`_VF_TARGET_VERIFIED_DRIVER_DATA*`, §4). */
    const VF_TARGET_VERIFIED_DRIVER_DATA = {
        module: "nt",
        typeName: "_VF_TARGET_VERIFIED_DRIVER_DATA",
        fields: [
            "SuspectDriverEntry",
            "PoolPageHeaders",
            "PoolTrackers",
            "CurrentPagedPoolAllocations",
            "CurrentNonPagedPoolAllocations",
            "PagedBytes",
            "NonPagedBytes",
        ],
        variants: [
            {
                label: "Windows 7 SP1 x64",
                pointerSize: 8,
                minBuild: WIN7_SP1,
                maxBuild: WIN7_SP1,
                size: 0x100,
                offsets: WIN7_X64_OFFSETS,
                sizes: X64_SIZES,
                source: "layouts.md §4",
                checkedAgainst: [WIN7_SP1],
            },
            {
                label: "Windows 8.1 and Server 2012 R2 x64",
                pointerSize: 8,
                minBuild: WIN81,
                maxBuild: WIN81,
                size: 0x100,
                offsets: WIN7_X64_OFFSETS,
                sizes: X64_SIZES,
                source: "build 9600's PDB",
                checkedAgainst: [WIN81],
            },
            {
                label: "Windows 10 1607 and Server 2016 x64",
                pointerSize: 8,
                minBuild: WIN10_1607,
                maxBuild: WIN10_1607,
                size: 0x120,
                offsets: WIN7_X64_OFFSETS,
                sizes: X64_SIZES,
                source: "build 14393's PDB",
                checkedAgainst: [WIN10_1607],
            },
            {
                label: "Windows 7 SP1 x86",
                pointerSize: 4,
                minBuild: WIN7_SP1,
                maxBuild: WIN7_SP1,
                size: 0x90,
                offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x18, PoolTrackers: 0x20, CurrentPagedPoolAllocations: 0x28, CurrentNonPagedPoolAllocations: 0x2c, PagedBytes: 0x38, NonPagedBytes: 0x3c },
                sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 4, NonPagedBytes: 4 },
                source: "layouts.md §4",
            },
            {
                label: "Windows 10 1809-1909 and Server 2019 x64",
                pointerSize: 8,
                minBuild: WIN10_1809,
                maxBuild: WIN10_1909,
                size: 0x120,
                offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x40, PoolTrackers: 0x50, CurrentPagedPoolAllocations: 0x60, CurrentNonPagedPoolAllocations: 0x64, PagedBytes: 0x70, NonPagedBytes: 0x78 },
                sizes: X64_SIZES,
                source: "layouts.md §4",
                checkedAgainst: [WIN10_1809, 18326, 18362],
            },
            {
                label: "Windows 10 1809-1909 x86",
                pointerSize: 4,
                minBuild: WIN10_1809,
                maxBuild: WIN10_1909,
                size: 0xb0,
                offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x20, PoolTrackers: 0x28, CurrentPagedPoolAllocations: 0x30, CurrentNonPagedPoolAllocations: 0x34, PagedBytes: 0x40, NonPagedBytes: 0x44 },
                sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 4, NonPagedBytes: 4 },
                source: "layouts.md §4",
            },
            {
                label: "Windows 10 2004-22H2 x64",
                pointerSize: 8,
                minBuild: WIN10_2004,
                maxBuild: WIN10_22H2,
                size: 0x130,
                offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x40, PoolTrackers: 0x50, CurrentPagedPoolAllocations: 0x68, CurrentNonPagedPoolAllocations: 0x6c, PagedBytes: 0x78, NonPagedBytes: 0x80 },
                sizes: X64_SIZES,
                source: "layouts.md §4",
                checkedAgainst: [WIN10_2004],
            },
            {
                label: "Windows 10 2004-22H2 x86",
                pointerSize: 4,
                minBuild: WIN10_2004,
                maxBuild: WIN10_22H2,
                size: 0xb8,
                offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x20, PoolTrackers: 0x28, CurrentPagedPoolAllocations: 0x34, CurrentNonPagedPoolAllocations: 0x38, PagedBytes: 0x44, NonPagedBytes: 0x48 },
                sizes: { CurrentPagedPoolAllocations: 4, CurrentNonPagedPoolAllocations: 4, PagedBytes: 4, NonPagedBytes: 4 },
                source: "layouts.md §4",
            },
            {
                label: "Windows Server 2022 and Windows 11 21H2-23H2 x64",
                pointerSize: 8,
                minBuild: SERVER_2022,
                maxBuild: WIN11_23H2,
                size: 0x130,
                offsets: { SuspectDriverEntry: 0, PoolPageHeaders: 0x40, PoolTrackers: 0x50, CurrentPagedPoolAllocations: 0x70, CurrentNonPagedPoolAllocations: 0x74, PagedBytes: 0x80, NonPagedBytes: 0x88 },
                sizes: X64_SIZES,
                source: "layouts.md §4; Server 2022's PDB",
                checkedAgainst: [SERVER_2022, 22000],
            },
        ],
    };
    /**
     * One tracking record in a verifier pool page (`_VI_POOL_ENTRY_INUSE`, §4: WRK verifier.c, the same on every build).
     * Its size is the stride of the page's entry array; entry 0 of each page is the page header.
     */
    const VI_POOL_ENTRY_INUSE = {
        module: "nt",
        typeName: "_VI_POOL_ENTRY_INUSE",
        fields: ["VirtualAddress", "CallingAddress", "NumberOfBytes", "Tag"],
        variants: [
            {
                label: "every x64 build",
                pointerSize: 8,
                size: 0x20,
                offsets: { VirtualAddress: 0, CallingAddress: 8, NumberOfBytes: 0x10, Tag: 0x18 },
                // Tag is a ULONG_PTR (the PDBs); the tag is its low four bytes, which the decoder reads.
                sizes: { NumberOfBytes: 8, Tag: 8 },
                source: "layouts.md §4",
                checkedAgainst: ALL_X64_PDBS,
            },
            {
                label: "every x86 build",
                pointerSize: 4,
                size: 0x10,
                offsets: { VirtualAddress: 0, CallingAddress: 4, NumberOfBytes: 8, Tag: 0xc },
                sizes: { NumberOfBytes: 4, Tag: 4 },
                source: "layouts.md §4",
            },
        ],
    };

    // The first entry of an SLIST_HEADER (layouts.md §4, "SLIST pointer decoding"):
    //   x86: Next at +0.
    //   x64 Win8+ (HeaderX64) and Win7 Header16 (HeaderType, bit 0 of the second qword, is 1): second qword & ~0xF.
    //   Win7 legacy Header8 (HeaderType 0): NextEntry is bits 25-63 of the first qword, shifted left by 4.
    // Entries after the first are linked through SLIST_ENTRY.Next, a plain pointer at +0 of each entry.
    const WIN8$1 = 9200;
    /** `bytes` holds the header (8 bytes on x86, 16 on x64); `at` is its address. Null for an empty list. */
    function slistFirst(bytes, offset, pointerSize, build, at) {
        if (pointerSize === 4) {
            const next = new Address(0, u32(bytes, offset));
            return next.isNull ? null : next;
        }
        const second = u64Address(bytes, offset + 8);
        const header16 = (second.lo & 1) === 1 || (build !== null && build >= WIN8$1);
        let next;
        if (header16) {
            next = second.and(0xffffffff, 0xfffffff0);
        }
        else {
            // Header8: 39 bits of NextEntry (>> 4). The bits above 43 are not stored: Win7 x64's kernel space is the top
            // 8 TB (fffff800`00000000 up), so a header in kernel space links kernel entries (assumption, not in §4).
            const first = u64Address(bytes, offset);
            const entry = first.hi * 128 + (first.lo >>> 25); // bits 25..63 as a number (39 bits, exact)
            const low = Address.fromNumber(entry * 16);
            next = at.hi >= 0xfffff800 && !low.isNull ? new Address(low.hi | 0xfffff800, low.lo) : low;
        }
        return next.isNull ? null : next;
    }

    /** Caps for numbers read from the verifier's structures. */
    const verifierLimits = {
        /** Tracking pages walked per driver: 0x10000 pages hold ~8 million records, far beyond any real driver. */
        maxPoolPages: 0x10000,
        /** Allocations listed per driver: the work limit (1,000,000 unless raised with !ltlimits). */
        get maxAllocations() {
            return workLimit("maxAllocations");
        },
    };
    function readVerifiedDriverData(target, at, data, entry) {
        const ps = target.pointerSize;
        const bytes = target.memory.read(at, data.size, "_VF_TARGET_VERIFIED_DRIVER_DATA");
        if (bytes instanceof Unreadable)
            return bytes;
        const o = data.offsets;
        const field = (name, fallback) => unsigned(bytes, o[name], data.sizes[name] || fallback);
        const counters = {
            pagedAllocations: field("CurrentPagedPoolAllocations", 4),
            nonPagedAllocations: field("CurrentNonPagedPoolAllocations", 4),
            pagedBytes: field("PagedBytes", ps),
            nonPagedBytes: field("NonPagedBytes", ps),
        };
        const result = { at, counters, allocations: [], pagesWalked: 0, problems: [] };
        let page = slistFirst(bytes, o.PoolPageHeaders, ps, target.windowsBuild(), at.add(o.PoolPageHeaders));
        const visited = new Set();
        while (page) {
            if (visited.has(page.key)) {
                result.problems.push({ kind: "cycle", address: page });
                break;
            }
            if (page.lo % PAGE_SIZE !== 0) {
                result.problems.push({ kind: "misalignedPage", address: page });
                break;
            }
            if (result.pagesWalked >= verifierLimits.maxPoolPages) {
                result.problems.push({ kind: "pageLimit", limit: verifierLimits.maxPoolPages });
                break;
            }
            visited.add(page.key);
            // One read per tracking page; not cached: each page is decoded once.
            const pageBytes = target.memory.read(page, PAGE_SIZE, "verifier pool tracking page", false);
            if (pageBytes instanceof Unreadable) {
                result.problems.push({ kind: "unreadablePage", address: page });
                break;
            }
            result.pagesWalked++;
            if (!decodePage(pageBytes, entry, ps, result))
                break;
            page = pointer(pageBytes, 0, ps);
            if (page.isNull)
                page = null;
        }
        return result;
    }
    /** Appends the page's in-use entries; false when the allocation cap was reached. */
    function decodePage(bytes, entry, pointerSize, into) {
        const stride = entry.size;
        const o = entry.offsets;
        const sizeBytes = entry.sizes.NumberOfBytes || pointerSize;
        for (let at = stride; at + stride <= bytes.length; at += stride) {
            const size = unsigned(bytes, at + o.NumberOfBytes, sizeBytes);
            if (size & 1)
                continue;
            const raw = pointer(bytes, at + o.VirtualAddress, pointerSize);
            if (raw.isNull)
                continue;
            if (into.allocations.length >= verifierLimits.maxAllocations) {
                into.problems.push({ kind: "allocationLimit", limit: verifierLimits.maxAllocations });
                return false;
            }
            into.allocations.push({
                address: raw.and(0xffffffff, 0xfffffffe),
                size,
                tag: tagText(u32(bytes, at + o.Tag)),
                caller: pointer(bytes, at + o.CallingAddress, pointerSize),
            });
        }
        return true;
    }
    /** A pool tag as `!poolused` prints it; the protected-pool bit (0x80000000) is dropped. */
    function tagText(value) {
        let text = "";
        for (let i = 0; i < 4; i++) {
            let c = (value >>> (i * 8)) & 0xff;
            if (i === 3)
                c &= 0x7f;
            text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
        }
        return text;
    }

    function readWideName(target, at) {
        let text = "";
        let cursor = at;
        const maxBytes = limits.maxTargetString * 2;
        let read = 0;
        while (read < maxBytes) {
            const n = Math.min(maxBytes - read, PAGE_SIZE - (cursor.lo % PAGE_SIZE));
            const bytes = target.memory.read(cursor, n, "driver name (Arg2)");
            if (bytes instanceof Unreadable) {
                if (read === 0)
                    return bytes;
                return { text, truncated: true };
            }
            for (let i = 0; i + 1 < bytes.length; i += 2) {
                const c = u16(bytes, i);
                if (c === 0)
                    return { text, truncated: false };
                text += String.fromCharCode(c);
            }
            read += n;
            cursor = cursor.add(n);
        }
        return { text, truncated: true };
    }

    // `!verifier 3 <driver>` output, for when the verifier's structures cannot be read. Shapes from real output
    // (test/fixtures/verifier/, each file names its source):
    //   Windows 7 x64 (seed 002; Microsoft's !verifier page):
    //     Entry     State           NonPagedPool   PagedPool   Module
    //     fffffa8003c2f740 Loaded           0000000c       00000000    test.sys
    //     Current Pool Allocations  00000001    00000000
    //     Current Pool Bytes        0000000c    00000000
    //     PoolAddress  SizeInBytes    Tag       CallersAddress
    //     fffff9800933eff0     0x0000000c     test      fffff88004c73043
    //   Windows 7 x86 with a newer debugger, Windows 8.1, Windows 10 x64 (debugger docs, blog, GitHub issues):
    //     nt!_VF_TARGET_DRIVER 0xa013f2c8: Sample.sys (Loaded and Unloaded)      or      MODULE: 0x84226b28 MyDriver.sys (Loaded)
    //       Current Pool Allocations: ( 0x00000000 / 0x00000001 )
    //       Current Pool Bytes:       ( 0x00000000 / 0x00000070 )
    //       Address     Length      Tag   Caller          (x64: `Caller Address`)
    //       ----------  ----------  ----  ----------
    //       0x86491d10  0x00000070  abcd  0xa05c1047  Sample!DriverEntry+0x27
    //     Contiguous allocations are not displayed with public symbols.
    // With several drivers (`!verifier 0xf`) each driver line starts its own section: only the requested driver's
    // counts and rows are taken. The caller's symbol, when printed, is kept: an unloaded driver's address may not
    // symbolize later. A line of text (not an address) ends a table; a line that starts like a row but does not parse is
    // counted, never guessed.
    const ADDRESS$1 = "(?:0x)?([0-9a-fA-F]{1,8}`?[0-9a-fA-F]{8}|[0-9a-fA-F]{8,16})";
    const ROW = new RegExp("^\\s*" + ADDRESS$1 + "\\s+(?:0x)?([0-9a-fA-F]+)\\s+(\\S.{0,3}?)\\s+" + ADDRESS$1 + "(?:\\s+(\\S.*?))?\\s*$");
    /** A line that starts with an address, as allocation rows do; anything else ends a table. */
    const ROW_LIKE = /^\s*(?:0x)?[0-9a-fA-F`]{8,17}\s/;
    const FILE_NAME = "([^\\s!:()]+\\.[A-Za-z0-9]{1,4})";
    // `fffffa8003c2f740 Loaded           0000000c       00000000    test.sys`
    const DRIVER_TABLE_LINE = new RegExp("^\\s*[0-9a-fA-F`]{8,17}\\s+([A-Za-z][A-Za-z ]*?)\\s+[0-9a-fA-F]{1,16}\\s+[0-9a-fA-F]{1,16}\\s+" + FILE_NAME + "\\s*$");
    // `nt!_VF_TARGET_DRIVER 0xa013f2c8: Sample.sys (Loaded and Unloaded)` / `MODULE: 0x84226b28 MyDriver.sys (Loaded)`
    const DRIVER_NAMED_LINE = new RegExp("^\\s*(?:nt!_VF_TARGET_DRIVER\\s+0x[0-9a-fA-F`]+:|MODULE:\\s+0x[0-9a-fA-F`]+)\\s+" + FILE_NAME + "(?:\\s+\\(([^)]*)\\))?\\s*$");
    const COUNTS = /^\s*Current Pool (Allocations|Bytes)(?:\s+([0-9a-fA-F]+)\s+([0-9a-fA-F]+)|:\s*\(\s*0x([0-9a-fA-F]+)\s*\/\s*0x([0-9a-fA-F]+)\s*\))\s*$/;
    const TABLE_HEADER = /^\s*(?:PoolAddress\s+SizeInBytes|Address\s+Length\s+Tag\s+Caller)/i;
    function parseVerifierOutput(lines, driver, maxAllocations) {
        const report = { driverListed: false, driverState: null, currentAllocations: null, currentBytes: null, allocations: [], skippedRows: 0 };
        const lowerDriver = driver.toLowerCase();
        // Before any driver line the section is the requested driver's: `!verifier 3 <image>` prints only that image.
        let inDriver = true;
        let inTable = false;
        for (const raw of lines) {
            const line = raw.replace(/\r$/, "");
            const named = DRIVER_NAMED_LINE.exec(line);
            const tabled = named ? null : DRIVER_TABLE_LINE.exec(line);
            if (named || tabled) {
                const name = named ? named[1] : tabled[2];
                const state = named ? named[2] || null : tabled[1];
                inDriver = name.toLowerCase() === lowerDriver;
                inTable = false;
                if (inDriver) {
                    report.driverListed = true;
                    report.driverState = state ? state.trim() : null;
                }
                continue;
            }
            if (TABLE_HEADER.test(line)) {
                inTable = true;
                continue;
            }
            const counts = COUNTS.exec(line);
            if (counts) {
                if (inDriver) {
                    const nonPaged = parseInt(counts[2] || counts[4], 16);
                    const paged = parseInt(counts[3] || counts[5], 16);
                    if (counts[1] === "Allocations")
                        report.currentAllocations = { nonPaged, paged };
                    else
                        report.currentBytes = { nonPaged, paged };
                }
                continue;
            }
            if (!inTable || !line.trim() || /^\s*-+(\s+-+)*\s*$/.test(line))
                continue;
            if (!ROW_LIKE.test(line)) {
                // Text: the table is over (`Contiguous allocations are not displayed with public symbols.`, the page's `...`,
                // the fault-injection log that follows).
                inTable = false;
                continue;
            }
            if (!inDriver)
                continue;
            const m = ROW.exec(line);
            const address = m ? Address.parse(m[1]) : null;
            const caller = m ? Address.parse(m[4]) : null;
            if (!m || !address || !caller || report.allocations.length >= maxAllocations) {
                report.skippedRows++;
                continue;
            }
            report.allocations.push({ address, size: parseInt(m[2], 16), tag: (m[3] + "    ").slice(0, 4), caller, callerSymbol: m[5] || null });
        }
        return report;
    }

    // Totals of outstanding allocations by a key, largest first, and the sign of an allocation wrapper.
    function groupBy(items, key) {
        const map = new Map();
        for (const item of items) {
            const k = key(item);
            let g = map.get(k);
            if (!g) {
                g = { key: k, allocations: 0, bytes: 0 };
                map.set(k, g);
            }
            g.allocations++;
            g.bytes += item.Size;
        }
        const groups = [];
        map.forEach((g) => groups.push(g));
        return groups.sort((a, b) => b.bytes - a.bytes || b.allocations - a.allocations || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    /** `drv!MyAlloc+0x21` -> `drv!MyAlloc`; a bare address stays as it is. */
    function functionOf(symbol) {
        return symbol.replace(/\+0x[0-9a-fA-F]+$/, "");
    }
    /** A wrapper shows as one call site behind most allocations: at least this many, and at least half. */
    const WRAPPER_MIN_ALLOCATIONS = 10;
    function likelyWrapper(byCaller, total) {
        const top = byCaller.reduce((best, g) => (!best || g.allocations > best.allocations ? g : best), null);
        if (!top || top.allocations < WRAPPER_MIN_ALLOCATIONS || top.allocations * 2 < total)
            return null;
        return top;
    }

    /** Bytes before a call searched for the tag's immediate. The real call sequences are 15 (x86: two `mov [esp+x]`) and
     *  16 bytes (x64: `mov r8d, imm32; mov rdx, rcx; mov rcx, [rip+x]`) long (test/fixtures/leaktag/wine-code.txt); 0x20
     *  leaves room for a few more argument loads without reaching far into the code before. */
    const TAG_WINDOW = 0x20;
    /** A return address further than this into a function is not a small allocation wrapper: the symbol is more likely
     *  the nearest public name before unrelated code, and its "start" would be wrong. */
    const MAX_WRAPPER_OFFSET = 0x1000;
    /** Call sites kept; a wrapper called from more places than this is cut there and the rest counted. */
    const MAX_CALL_SITES = 4096;
    /** `drv!MyAlloc+0x21` -> { name: "drv!MyAlloc", offset: 0x21 }; null without a function symbol and an offset. */
    function wrapperStartOf(symbol) {
        const m = /^([^!\s]+!.+)\+0x([0-9a-fA-F]{1,8})$/.exec(symbol);
        if (!m)
            return null;
        const offset = parseInt(m[2], 16);
        return offset > 0 && offset <= MAX_WRAPPER_OFFSET ? { name: m[1], offset } : null;
    }
    /** Direct calls and jumps to `targetRva` in `bytes` (which start at `codeRva`): `e8 rel32` and `e9 rel32`. */
    function callSitesTo(bytes, codeRva, targetRva) {
        const out = [];
        for (let i = 0; i + 5 <= bytes.length; i++) {
            const op = bytes[i];
            if (op !== 0xe8 && op !== 0xe9)
                continue;
            if (codeRva + i + 5 + i32(bytes, i + 1) === targetRva)
                out.push({ rva: codeRva + i, at: i, kind: op === 0xe8 ? "call" : "jmp" });
        }
        return out;
    }
    /** Four bytes a driver writes as a pool tag: printable ASCII, the first a letter or digit (a size or a flag is not). */
    function looksLikeTag(value) {
        const first = value & 0xff;
        if (!((first >= 0x30 && first <= 0x39) || (first >= 0x41 && first <= 0x5a) || (first >= 0x61 && first <= 0x7a)))
            return false;
        for (let i = 1; i < 4; i++) {
            let c = (value >>> (i * 8)) & 0xff;
            if (i === 3)
                c &= 0x7f; // the protected-pool bit
            if (c < 0x20 || c > 0x7e)
                return false;
        }
        return true;
    }
    /**
     * The tag immediates in bytes [from, to): every offset whose preceding bytes are one of the immediate forms and whose
     * four bytes look like a tag, nearest to `to` first. `known` tags come before tag-shaped values that no allocation has.
     */
    function tagImmediates(bytes, from, to, is64, known) {
        const found = [];
        for (let at = to - 4; at >= Math.max(0, from); at--) {
            const form = immediateFormAt(bytes, at, is64);
            if (!form || at - form.prefixLength < from)
                continue;
            const value = u32(bytes, at);
            if (!looksLikeTag(value))
                continue;
            const tag = tagText(value);
            found.push({ tag, at, instruction: form.name, prefixLength: form.prefixLength, known: known.has(tag) });
        }
        // Stable: nearest first within each kind.
        const sorted = found.filter((f) => f.known).concat(found.filter((f) => !f.known));
        return sorted.map((f) => ({ tag: f.tag, at: f.at, instruction: f.instruction, prefixLength: f.prefixLength }));
    }
    /**
     * Where the search for a call site's tag starts in `bytes` (which start at `codeRva`): TAG_WINDOW bytes before the
     * call, but not before the previous call to the wrapper (`previousEnd`; its tag belongs to that call) nor before the
     * start of the function holding the call (x64 .pdata, `functionStarts`): a call near its function's start would
     * otherwise take a tag from the end of the function before it (`mov edx, tag; call [ExFreePoolWithTag]; ret`).
     */
    function tagWindowStart(siteAt, codeRva, previousEnd, functionStarts) {
        let from = Math.max(previousEnd, siteAt - TAG_WINDOW, 0);
        for (let at = siteAt; at > from; at--) {
            if (functionStarts.has(codeRva + at)) {
                from = at;
                break;
            }
        }
        return from;
    }
    function isScanFailure(value) {
        return value.kind !== undefined;
    }
    /**
     * Scans the executable sections of the module holding `start` for calls to it. `bodyEnd` is how far into the
     * wrapper its allocations return (the largest caller offset); the wrapper's own bytes before it are searched for
     * hard-coded tags. `known` holds the tags of the wrapper's outstanding allocations.
     */
    function scanWrapperCallers(target, start, bodyEnd, known) {
        // At 0xC4/0x62 the driver is still mapped and listed (the bugcheck is raised from MiUnloadSystemImage before the
        // image goes: seed 002's `u` on the caller disassembles test.sys); a driver already gone is reported, not searched.
        const module = target.moduleContaining(start);
        if (!module)
            return { kind: "notInModule" };
        // The code, and on x64 the .pdata that says where its functions start (tagWindowStart; the exception directory
        // is found in the bytes read, so a .pdata under another name only leaves the windows unbounded by functions).
        const image = readImageSections(target, module, (s) => s.isCode || (s.name === ".pdata" && !s.isDiscardable));
        if (isImageNotRead(image))
            return { kind: "imageUnreadable", module, reason: image.reason };
        const is64 = image.headers.is64;
        const startRva = start.distanceFrom(module.base) || 0;
        const scan = { module, startRva, sites: [], sitesNotKept: 0, hardCoded: [], sections: [], bytesScanned: 0, bytesUnreadable: 0 };
        const readable = [];
        const functionStarts = functionStartsOf(image.headers, image.pieces);
        for (const section of image.sections) {
            if (!section.isCode)
                continue;
            const { pieces, missing } = sectionPieces(section, image);
            scan.sections.push(section.name);
            scan.bytesUnreadable += missing;
            for (const piece of pieces) {
                readable.push(piece);
                scan.bytesScanned += piece.bytes.length;
                let previousEnd = 0;
                for (const site of callSitesTo(piece.bytes, piece.rva, startRva)) {
                    // The window stops at the previous call to the wrapper: its tag belongs to that call.
                    const tags = tagImmediates(piece.bytes, tagWindowStart(site.at, piece.rva, previousEnd, functionStarts), site.at, is64, known);
                    previousEnd = site.at + 5;
                    if (scan.sites.length >= MAX_CALL_SITES) {
                        scan.sitesNotKept++;
                        continue;
                    }
                    const t = tags[0];
                    scan.sites.push({ rva: site.rva, kind: site.kind, tag: t ? t.tag : null, tagRva: t ? piece.rva + t.at - t.prefixLength : null, instruction: t ? t.instruction : null });
                }
            }
        }
        if (scan.bytesScanned === 0)
            return { kind: "imageUnreadable", module, reason: "its executable sections are unreadable (paged out, or the image is gone)" };
        const body = pieceAt(readable, startRva, bodyEnd);
        if (body) {
            for (const t of tagImmediates(body, 0, body.length, is64, known)) {
                if (known.has(t.tag))
                    scan.hardCoded.push({ tag: t.tag, rva: startRva + t.at - t.prefixLength, instruction: t.instruction });
            }
        }
        return scan;
    }
    /** Each tag of the wrapper's allocations with the call sites that pass it; `groups` are largest first. */
    function attributeTags(groups, scan) {
        const noTag = scan.sites.filter((s) => s.tag === null);
        return groups.map((g) => {
            const hardCodedAt = scan.hardCoded.filter((h) => h.tag === g.key).map((h) => h.rva);
            return {
                tag: g.key,
                allocations: g.allocations,
                bytes: g.bytes,
                passedBy: scan.sites.filter((s) => s.tag === g.key),
                hardCodedAt,
                passingNoTag: hardCodedAt.length ? noTag : [],
            };
        });
    }

    // kd> !unloadleaks
    // kd> !unloadleaks "test.sys"
    // A driver unloaded without freeing its pool (bugcheck 0xC4, Arg1 0x62): every outstanding verifier-tracked
    // allocation with its caller's symbol and source line. Without an argument it reads the bugcheck (Arg2 the driver's
    // name, Arg3 its _VF_TARGET_VERIFIED_DRIVER_DATA, Arg4 the count); with a driver name it lists that driver's
    // allocations from `!verifier 3` (a live session, before the unload). Seed article 002.
    /** From this many allocations, or this many distinct callers to symbolize (one `u` round trip each), the command
     *  prints progress every 10%. */
    const LARGE_ALLOCATION_COUNT = 2000;
    const LARGE_CALLER_COUNT = 50;
    const BUGCHECK_DRIVER_VERIFIER = 0xc4;
    const SUBCODE_UNLOAD_LEAKS = 0x62;
    const unloadleaksCommand = {
        name: "unloadleaks",
        usage: '!unloadleaks ["drv.sys"]',
        summary: "Pool a driver left allocated at unload (bugcheck 0xC4/0x62): caller and source line",
        resultNoun: ["allocation", "allocations"],
        quietRepeats: true,
        keepsResult: true,
        help: {
            arguments: [{ name: '"drv.sys"', text: "optional: the driver's file name, quoted; without it, the driver the 0xC4/0x62 bugcheck names" }],
            records: [
                { name: "Allocations", text: "one per allocation not freed: Address, Size, Tag, Caller (a return address), CallerSymbol, CallerFunction, Source, Driver, WrapperCallers" },
                { name: "Driver, Count, Bytes", text: "the driver and the allocations' count and bytes" },
            ],
            examples: [
                { command: "!unloadleaks", text: "on a 0xC4/0x62 dump: what the unloaded driver left" },
                { command: '!unloadleaks "test.sys"', text: "live, with Driver Verifier on the driver: its outstanding allocations" },
                { command: 'dx @$unloadleaks().Allocations.Where(a => a.Tag == "test").Sum(a => a.Size)', text: "bytes of one tag" },
            ],
        },
        run(ctx, args) {
            // The answer leads (output conventions 1): the walk's lines are kept and printed after it.
            const details = new BufferedPrinter(ctx.out);
            const records = findLeaks({ target: ctx.target, out: details }, args);
            if (records.length === 0) {
                ctx.out.lines(details.buffer);
                return undefined;
            }
            const driver = records[0].Driver;
            const bytes = records.reduce((n, r) => n + r.Size, 0);
            const bySite = groupBy(records, (r) => r.CallerSymbol);
            const top = records.filter((r) => r.CallerSymbol === bySite[0].key)[0];
            const tags = groupBy(records, (r) => r.Tag).map((g) => "'" + g.key + "'");
            ctx.out.line(shownName(driver) + " left " + plural(records.length, "allocation") + " not freed at unload, " + sizeText(bytes) +
                " (tag" + (tags.length === 1 ? " " : "s ") + tags.slice(0, 4).join(", ") + (tags.length > 4 ? " and " + (tags.length - 4) + " more" : "") + ")" +
                "; the largest call site: " + top.CallerSymbol + (/:\d+$/.test(top.Source) ? " (" + top.Source + ")" : "") + ".");
            ctx.out.lines(details.buffer);
            return {
                Driver: driver,
                Count: records.length,
                Bytes: bytes,
                Allocations: records,
                toString: () => shownName(driver) + ": " + plural(records.length, "allocation") + " not freed, " + sizeText(bytes),
            };
        },
    };
    function findLeaks(ctx, args) {
        const { target, out } = ctx;
        if (!target.isKernel) {
            out.line(messages.needsKernel("unloadleaks"));
            return [];
        }
        const kind = argKind(args[0]);
        if (args.length > 1 || (kind !== "missing" && kind !== "string")) {
            out.line(messages.unloadleaksUsage(args.length > 1 ? args.length + " arguments" : describeArg(args[0])));
            return [];
        }
        let requested = null;
        if (kind === "string") {
            requested = fileNameArg(args[0]);
            if (!requested) {
                out.line(messages.unloadleaksBadName("given", shownName(args[0])));
                return [];
            }
        }
        const bug = readBugCheck(target);
        const isUnloadLeak = isBugCheck(bug) && bug.code === BUGCHECK_DRIVER_VERIFIER && bug.parameters[0].equals(new Address(0, SUBCODE_UNLOAD_LEAKS));
        if (isUnloadLeak)
            return fromBugCheck(ctx, bug, requested);
        if (requested) {
            const reason = bug.reason;
            if (reason && /unreadable/.test(reason))
                out.line(messages.unloadleaksBugcheckUnreadable(reason));
            out.line(messages.unloadleaksLiveAvl());
            return fromText(ctx, requested);
        }
        if (isBugCheck(bug))
            out.line(messages.unloadleaksOtherBugcheck(hex$2(bug.code).toUpperCase().replace("0X", "0x"), bug.parameters[0].toString()));
        else if (bug.kind === "none")
            out.line(messages.unloadleaksNoBugcheck());
        else
            out.line(messages.unloadleaksBugcheckUnavailable(bug.reason));
        return [];
    }
    function fromBugCheck(ctx, bug, requested) {
        const { target, out } = ctx;
        const [, nameAt, dataAt, countArg] = bug.parameters;
        const name = readWideName(target, nameAt);
        let driver;
        if (name instanceof Unreadable) {
            out.line(messages.unloadleaksNameUnreadable(name.describe(target.pointerSize)));
            driver = "(unreadable name)";
        }
        else {
            driver = name.text;
            if (name.truncated)
                out.line(messages.unloadleaksNameTruncated(limits.maxTargetString));
        }
        const arg4 = countArg.isSafeNumber ? countArg.toNumber() : -1;
        out.line(messages.unloadleaksBugcheck(bug.source, shownName(driver), groupDigits(arg4)));
        if (requested && requested.toLowerCase() !== driver.toLowerCase()) {
            out.line(messages.unloadleaksOtherDriver(shownName(driver), requested));
            return fromText(ctx, requested);
        }
        const safeName = name instanceof Unreadable ? null : fileNameArg(driver);
        if (!safeName && !(name instanceof Unreadable))
            out.line(messages.unloadleaksBadName("read from Arg2", shownName(driver)));
        if (dataAt.isNull) {
            out.line(messages.unloadleaksNoVerifierData(shownName(driver)));
            return [];
        }
        out.line(messages.unloadleaksVerifierData(target.formatAddress(dataAt)));
        const build = target.windowsBuild();
        const typeSource = (m, t) => target.type(m, t);
        const data = resolveLayout(VF_TARGET_VERIFIED_DRIVER_DATA, typeSource, target.pointerSize, build);
        const entry = resolveLayout(VI_POOL_ENTRY_INUSE, typeSource, target.pointerSize, build);
        if (isLayoutMissing(data) || isLayoutMissing(entry) || data.guessed) {
            out.line(isLayoutMissing(data) ? messages.unloadleaksLayoutMissing(data.typeName, data.reason)
                : isLayoutMissing(entry) ? messages.unloadleaksLayoutMissing(entry.typeName, entry.reason)
                    : messages.unloadleaksBuildUnknown());
            return textFallback(ctx, safeName);
        }
        out.lines(layoutNote(data));
        out.lines(layoutNote(entry));
        const walked = readVerifiedDriverData(target, dataAt, data, entry);
        if (walked instanceof Unreadable) {
            out.line(messages.unloadleaksDataUnreadable(walked.describe(target.pointerSize)));
            return textFallback(ctx, safeName);
        }
        for (const p of walked.problems)
            out.line(messages.unloadleaksWalkProblem(describeProblem(p, target)));
        const allocations = walked.allocations;
        out.line(messages.unloadleaksWalk(walked.pagesWalked, allocations.length));
        const c = walked.counters;
        const countedBytes = allocations.reduce((n, a) => n + a.size, 0);
        const counterAllocations = c.pagedAllocations + c.nonPagedAllocations;
        const counterBytes = c.pagedBytes + c.nonPagedBytes;
        if (counterAllocations !== allocations.length || counterBytes !== countedBytes) {
            out.line(messages.unloadleaksCountersDiffer(allocations.length, countedBytes, counterAllocations, counterBytes));
        }
        if (arg4 !== allocations.length)
            out.line(messages.unloadleaksArg4Differs(arg4, allocations.length));
        return render$1(ctx, driver, allocations);
    }
    function textFallback(ctx, name) {
        if (!name) {
            ctx.out.line(messages.unloadleaksFallbackRefused());
            return [];
        }
        return fromText(ctx, name);
    }
    function fromText(ctx, name) {
        const { target, out } = ctx;
        out.line(messages.unloadleaksFallback(name));
        const result = target.executeCommand("!verifier 3", name);
        if (result.error) {
            out.line(messages.unloadleaksCommandFailed("!verifier 3 " + name, result.error));
            return [];
        }
        const report = parseVerifierOutput(result.lines, name, verifierLimits.maxAllocations);
        if (report.skippedRows)
            out.line(messages.unloadleaksSkippedRows(report.skippedRows));
        if (!report.driverListed && report.allocations.length === 0) {
            out.line(messages.unloadleaksNotListed(name));
            return [];
        }
        if (report.driverState && /unloaded/i.test(report.driverState))
            out.line(messages.unloadleaksTextDriverState(name, report.driverState));
        return render$1(ctx, name, report.allocations);
    }
    function render$1(ctx, driver, allocations) {
        const { target, out } = ctx;
        if (allocations.length === 0) {
            out.line(messages.unloadleaksNone(shownName(driver)));
            return [];
        }
        const symbolized = symbolizeAll(target, driver, allocations, out);
        const records = symbolized.records;
        const total = records.reduce((n, r) => n + r.Size, 0);
        out.line("");
        out.line(plural(records.length, "outstanding allocation") + " of " + shownName(driver) + ", " + sizeText(total) + ":");
        out.lines(renderTable([
            { header: "Address", value: (r) => target.formatAddress(r.Address) },
            { header: "Size", align: "right", value: (r) => hex$2(r.Size) },
            { header: "Tag", value: (r) => r.Tag },
            { header: "Caller", value: (r) => target.formatAddress(r.Caller) },
            { header: "CallerSymbol", value: (r) => r.CallerSymbol },
            { header: "Source", value: (r) => r.Source },
        ], records));
        const siteOf = (r) => (r.CallerSymbol === messages.unloadleaksNoSymbol() ? target.formatAddress(r.Caller) : r.CallerSymbol);
        const byCaller = groupBy(records, siteOf);
        printGroups(ctx, "By tag", "Tag", groupBy(records, (r) => r.Tag));
        printGroups(ctx, "By call site", "CallerSymbol", byCaller);
        printGroups(ctx, "By caller function", "CallerFunction", groupBy(records, (r) => r.CallerFunction));
        const wrapper = likelyWrapper(byCaller, records.length);
        let callers = null;
        if (wrapper) {
            // A failure here loses the callers, not the list above: caught at this boundary and said.
            try {
                callers = wrapperCallers(ctx, wrapper.key, records, symbolized.commands);
            }
            catch (e) {
                for (const r of records)
                    r.WrapperCallers = [];
                callers = { wrapperName: "", wrapperStart: new Address(0, 0), offset: 0, attributions: null, reason: messages.unloadleaksWrapperFailed(String(e)), scan: null, unmatched: [], siteName: () => "", sitesNotSymbolized: 0, sitesSymbolized: 0 };
            }
        }
        out.line("");
        out.line(!wrapper ? messages.unloadleaksGrouping() : callers && callers.attributions ? messages.unloadleaksGroupingWrapperCallers() : messages.unloadleaksGroupingWrapperTags());
        if (wrapper) {
            const through = records.filter((r) => siteOf(r) === wrapper.key);
            out.line(messages.unloadleaksWrapper(wrapper.key, wrapper.allocations, records.length, target.formatAddress(through[0].Address)));
            if (callers && callers.attributions) {
                printWrapperCallers(ctx, callers);
            }
            else {
                if (callers)
                    out.line(callers.reason);
                printGroups(ctx, "Through " + wrapper.key + ", by the tag its callers passed", "Tag", groupBy(through, (r) => r.Tag));
            }
            out.line("");
        }
        out.line(messages.unloadleaksSymbolsNote(callers ? callers.sitesSymbolized : 0));
        out.lines(nextBlock(nextCommands(target, driver, records, byCaller[0].key, siteOf)));
        return records;
    }
    /**
     * The wrapper's callers, found by scanning the driver for calls to the wrapper's start (caller - offset from the
     * caller's symbol) and matched to the wrapper's allocations by the tag each call site passes. Sets WrapperCallers on
     * the matched records. `commandsUsed` is the `u` commands already run, counted against maxSymbolizedCallers.
     */
    function wrapperCallers(ctx, wrapperKey, records, commandsUsed) {
        const { target } = ctx;
        const start = wrapperStartOf(wrapperKey);
        const result = { wrapperName: "", wrapperStart: new Address(0, 0), offset: 0, attributions: null, reason: "", scan: null, unmatched: [], siteName: () => "", sitesNotSymbolized: 0, sitesSymbolized: 0 };
        if (!start) {
            result.reason = messages.unloadleaksWrapperNoSymbols(wrapperKey);
            return result;
        }
        const inWrapper = records.filter((r) => r.CallerFunction === start.name);
        const wrapperRecord = records.filter((r) => r.CallerSymbol === wrapperKey)[0];
        result.wrapperName = start.name;
        result.offset = start.offset;
        result.wrapperStart = wrapperRecord.Caller.subtract(start.offset);
        // How far into the wrapper its allocations return: its bytes before that may write a tag of their own.
        const bodyEnd = Math.min(MAX_WRAPPER_OFFSET, inWrapper.reduce((n, r) => Math.max(n, r.Caller.distanceFrom(result.wrapperStart) || 0), start.offset));
        const known = new Set(inWrapper.map((r) => r.Tag));
        const scan = scanWrapperCallers(target, result.wrapperStart, bodyEnd, known);
        if (isScanFailure(scan)) {
            result.reason =
                scan.kind === "notInModule"
                    ? messages.unloadleaksWrapperNoModule(start.name, target.formatAddress(result.wrapperStart))
                    : messages.unloadleaksWrapperImageUnreadable(start.name, shownName(scan.module.fileName), scan.reason);
            return result;
        }
        result.scan = scan;
        const attributions = attributeTags(groupBy(inWrapper, (r) => r.Tag), scan);
        result.unmatched = scan.sites.filter((s) => s.tag !== null && !known.has(s.tag));
        // One `u` per distinct listed call site, within what maxSymbolizedCallers leaves after the allocations' callers.
        const budget = Math.max(0, workLimit("maxSymbolizedCallers") - commandsUsed);
        const names = new Map();
        const moduleName = shownName(scan.module.name);
        const nameOf = (site) => {
            const cached = names.get(site.rva);
            if (cached !== undefined)
                return cached;
            let name = moduleName + "+0x" + site.rva.toString(16);
            if (names.size < budget) {
                result.sitesSymbolized++;
                const s = target.symbolize(scan.module.base.add(site.rva));
                if (s.symbol)
                    name = s.symbol;
            }
            else {
                result.sitesNotSymbolized++;
            }
            if (site.kind === "jmp")
                name += " (jmp)";
            names.set(site.rva, name);
            return name;
        };
        for (const a of attributions) {
            const sites = a.passedBy.concat(a.passingNoTag);
            const symbols = sites.map(nameOf);
            for (const r of inWrapper)
                if (r.Tag === a.tag)
                    r.WrapperCallers = symbols.slice();
        }
        result.siteName = nameOf;
        result.attributions = attributions;
        return result;
    }
    function printWrapperCallers(ctx, w) {
        const { target, out } = ctx;
        const scan = w.scan;
        out.line("");
        out.line(messages.unloadleaksWrapperCallersHeader(w.wrapperName, shownName(scan.module.fileName)));
        for (const a of w.attributions) {
            const head = "  tag '" + a.tag + "' - " + plural(a.allocations, "allocation") + ", " + sizeText(a.bytes) + " - ";
            const parts = [];
            if (a.passedBy.length) {
                parts.push("passed to " + w.wrapperName + " by " + a.passedBy.map(w.siteName).join(", ") + (a.passedBy.length > 1 ? " (" + a.passedBy.length + " call sites; how the allocations split between them is unknown)" : ""));
            }
            if (a.hardCodedAt.length) {
                const where = a.hardCodedAt.map((rva) => w.wrapperName + "+0x" + (rva - scan.startRva).toString(16)).join(", ");
                parts.push("written by " + w.wrapperName + " itself (at " + where + "); " +
                    (a.passingNoTag.length ? "call sites that pass no tag: " + a.passingNoTag.map(w.siteName).join(", ") : "no call site passes it none"));
            }
            if (parts.length === 0)
                parts.push(messages.unloadleaksWrapperTagNotFound(w.wrapperName));
            out.line(head + parts.join("; "));
        }
        const calls = scan.sites.filter((s) => s.kind === "call").length;
        const jumps = scan.sites.length - calls;
        const noTag = scan.sites.filter((s) => s.tag === null).length;
        const hardCoded = scan.hardCoded.length > 0;
        out.line(messages.unloadleaksWrapperScan(w.wrapperName, target.formatAddress(w.wrapperStart), hex$2(w.offset), scan.sections.join(", "), scan.bytesScanned, scan.sites.length, calls, jumps));
        if (scan.sitesNotKept)
            out.line(messages.unloadleaksWrapperSitesCap(scan.sites.length, scan.sitesNotKept));
        if (scan.bytesUnreadable)
            out.line(messages.unloadleaksWrapperPartlyUnreadable(scan.bytesUnreadable));
        if (noTag && !hardCoded)
            out.line(messages.unloadleaksWrapperNoTagSites(noTag, w.wrapperName));
        if (w.unmatched.length) {
            const tags = w.unmatched.map((s) => "'" + s.tag + "'").filter((t, i, all) => all.indexOf(t) === i);
            out.line(messages.unloadleaksWrapperUnmatched(w.unmatched.length, tags.join(", ")));
        }
        if (w.sitesNotSymbolized)
            out.line(messages.unloadleaksWrapperSitesNotSymbolized(w.sitesNotSymbolized, workLimit("maxSymbolizedCallers")));
    }
    /** Commands to copy: the code of the largest call site, the bytes of the largest allocation, the verifier's report. */
    function nextCommands(target, driver, records, topSite, siteOf) {
        const atTopSite = records.filter((r) => siteOf(r) === topSite)[0];
        const largest = records.reduce((a, b) => (b.Size > a.Size ? b : a));
        // Caller is a return address: ub shows the instructions before it, the call that allocated.
        const steps = [
            { command: "ub " + target.formatAddress(atTopSite.Caller) + " L8", why: "the call at the largest call site (Caller is the return address after it)" },
            { command: "db " + target.formatAddress(largest.Address) + " L" + hex$2(Math.min(largest.Size, 0x100)), why: "the largest allocation's bytes" },
        ];
        // Only a name that passed the file-name check is offered as a command, even as text to copy.
        const safe = fileNameArg(driver);
        if (safe)
            steps.push({ command: "!verifier 3 " + safe, why: "the verifier's own report" });
        return steps;
    }
    function printGroups(ctx, title, keyHeader, groups) {
        ctx.out.line("");
        ctx.out.line(title + " (largest first):");
        ctx.out.lines(renderTable([
            { header: "Bytes", align: "right", value: (g) => sizeText(g.bytes) },
            { header: "Allocations", align: "right", value: (g) => groupDigits(g.allocations) },
            { header: keyHeader, value: (g) => g.key },
        ], groups, "  "));
    }
    /** The records, and how many `u` commands were run for them. */
    function symbolizeAll(target, driver, allocations, out) {
        // Distinct caller addresses symbolized per run: the maxSymbolizedCallers work limit.
        const maxCallers = workLimit("maxSymbolizedCallers");
        const seen = new Map();
        const callers = new Set();
        for (const a of allocations)
            callers.add(a.caller.key);
        const large = allocations.length >= LARGE_ALLOCATION_COUNT || Math.min(callers.size, maxCallers) >= LARGE_CALLER_COUNT;
        const progress = new Progress(out, "Symbolizing callers", allocations.length, large, countOf("allocations"));
        let skipped = 0;
        const records = [];
        // Without a symbol from `u`: the one !verifier printed after the caller's address (an unloaded driver's code no
        // longer symbolizes), else module+offset as WinDbg names it, else "(no symbol)".
        let namedByText = 0;
        const fallbackName = (a) => {
            const printed = a.callerSymbol;
            if (printed)
                namedByText++;
            return printed || moduleOffsetName(a.caller, target.modules()) || messages.unloadleaksNoSymbol();
        };
        for (const a of allocations) {
            progress.update(records.length);
            let known = seen.get(a.caller.key);
            if (!known) {
                if (seen.size < maxCallers) {
                    const s = target.symbolize(a.caller);
                    known = { symbol: s.symbol || fallbackName(a), source: formatSource(s) || messages.unloadleaksNoLines() };
                    seen.set(a.caller.key, known);
                }
                else {
                    skipped++;
                    known = { symbol: fallbackName(a), source: messages.unloadleaksNoLines() };
                }
            }
            const text = target.formatAddress(a.address) + " " + hex$2(a.size) + " " + a.tag + " " + known.symbol;
            records.push({
                Address: a.address,
                Size: a.size,
                Tag: a.tag,
                Caller: a.caller,
                CallerSymbol: known.symbol,
                Source: known.source,
                // module+offset names a place, not a function: it stays whole.
                CallerFunction: known.symbol === messages.unloadleaksNoSymbol() ? target.formatAddress(a.caller) : known.symbol.indexOf("!") < 0 ? known.symbol : functionOf(known.symbol),
                Driver: driver,
                WrapperCallers: [],
                toString: () => text,
            });
        }
        if (skipped)
            out.line(messages.unloadleaksSymbolCap(maxCallers, skipped));
        if (namedByText)
            out.line(messages.unloadleaksSymbolsFromText(namedByText));
        return { records, commands: seen.size };
    }
    function describeProblem(p, target) {
        switch (p.kind) {
            case "unreadablePage":
                return "the tracking page at " + target.formatAddress(p.address) + " is unreadable";
            case "cycle":
                return "the page list loops back to " + target.formatAddress(p.address);
            case "misalignedPage":
                return "the page list points at " + target.formatAddress(p.address) + ", which is not a page";
            case "pageLimit":
                return "more than " + p.limit + " tracking pages";
            case "allocationLimit":
                return "more than " + p.limit + " allocations (maxAllocations; " + raiseHint("maxAllocations") + ")";
        }
    }
    function shownName(name) {
        const s = name.length > 40 ? name.slice(0, 40) + "..." : name;
        // Driver names are ASCII file names; anything else (controls, bidi overrides) is shown as `?`.
        return s.replace(/[^\x20-\x7e]/g, "?");
    }

    // The structures behind a bugcheck's exception information and a pool block's header.
    // EXCEPTION_RECORD, EXCEPTION_POINTERS and CONTEXT: public winnt.h (Windows SDK), unchanged since Windows XP x64;
    // the x64 EXCEPTION_RECORD offsets are also the ones the issue and `.exr` rely on. _POOL_HEADER: layouts.md §2.4.
    /** EXCEPTION_MAXIMUM_PARAMETERS (winnt.h): ExceptionInformation has 15 slots. */
    const EXCEPTION_MAXIMUM_PARAMETERS = 15;
    const EXCEPTION_RECORD = {
        module: "nt",
        typeName: "_EXCEPTION_RECORD",
        fields: ["ExceptionCode", "ExceptionFlags", "ExceptionRecord", "ExceptionAddress", "NumberParameters", "ExceptionInformation"],
        variants: [
            {
                label: "every x64 build",
                pointerSize: 8,
                size: 0x98,
                offsets: { ExceptionCode: 0, ExceptionFlags: 4, ExceptionRecord: 8, ExceptionAddress: 0x10, NumberParameters: 0x18, ExceptionInformation: 0x20 },
                source: "winnt.h EXCEPTION_RECORD",
                checkedAgainst: ALL_X64_PDBS,
            },
            {
                label: "every x86 build",
                pointerSize: 4,
                size: 0x50,
                offsets: { ExceptionCode: 0, ExceptionFlags: 4, ExceptionRecord: 8, ExceptionAddress: 0xc, NumberParameters: 0x10, ExceptionInformation: 0x14 },
                source: "winnt.h EXCEPTION_RECORD",
            },
        ],
    };
    /** EXCEPTION_POINTERS { PEXCEPTION_RECORD ExceptionRecord; PCONTEXT ContextRecord; } (winnt.h): two pointers. */
    const EXCEPTION_POINTERS = {
        module: "nt",
        typeName: "_EXCEPTION_POINTERS",
        fields: ["ExceptionRecord", "ContextRecord"],
        variants: [
            { label: "every x64 build", pointerSize: 8, size: 0x10, offsets: { ExceptionRecord: 0, ContextRecord: 8 }, source: "winnt.h EXCEPTION_POINTERS", checkedAgainst: ALL_X64_PDBS },
            { label: "every x86 build", pointerSize: 4, size: 8, offsets: { ExceptionRecord: 0, ContextRecord: 4 }, source: "winnt.h EXCEPTION_POINTERS" },
        ],
    };
    /** The instruction and stack pointers of a CONTEXT; the field names differ by architecture, so two specs. */
    const CONTEXT_X64 = {
        module: "nt",
        typeName: "_CONTEXT",
        fields: ["Rsp", "Rip"],
        variants: [{ label: "every x64 build", pointerSize: 8, size: 0x4d0, offsets: { Rsp: 0x98, Rip: 0xf8 }, source: "winnt.h CONTEXT (AMD64)", checkedAgainst: ALL_X64_PDBS }],
    };
    const CONTEXT_X86 = {
        module: "nt",
        typeName: "_CONTEXT",
        fields: ["Eip", "Esp"],
        variants: [{ label: "every x86 build", pointerSize: 4, size: 0x2cc, offsets: { Eip: 0xb8, Esp: 0xc4 }, source: "winnt.h CONTEXT (i386)" }],
    };
    /** _POOL_HEADER: the block sits right after it; PoolTag at +4; BlockSize in bits 16-23 (x64, ×16) or 16-24 (x86, ×8). */
    const POOL_HEADER = {
        module: "nt",
        typeName: "_POOL_HEADER",
        fields: ["PoolTag"],
        variants: [
            { label: "every x64 build", pointerSize: 8, size: 0x10, offsets: { PoolTag: 4 }, source: "layouts.md §2.4", checkedAgainst: ALL_X64_PDBS },
            { label: "every x86 build", pointerSize: 4, size: 8, offsets: { PoolTag: 4 }, source: "layouts.md §2.4" },
        ],
    };
    /** BlockSize bit field of the header's first dword and its unit (layouts.md §2.4). */
    function poolBlockSizeField(pointerSize) {
        return pointerSize === 8 ? { shift: 16, bits: 8, unit: 16 } : { shift: 16, bits: 9, unit: 8 };
    }
    /**
     * _KTRAP_FRAME (x64): the registers the kernel saved on a trap; 0x8E and 0x139 point at one. Not in the PDB extract
     * of test/fixtures/pdb-layouts (the data set keeps no _KTRAP_FRAME); offsets from the Windows 10 x64 definition in
     * thalium/icebox src/Winbagility/STUB/Windows_structs.h (0x190 bytes: Rip at 0x168, Rsp at 0x180), unchanged since
     * Vista x64. A trap frame may not hold every register (the debugger's .trap says so), but Rip and Rsp always are.
     */
    const KTRAP_FRAME_X64 = {
        module: "nt",
        typeName: "_KTRAP_FRAME",
        fields: ["Rip", "Rsp"],
        variants: [{ label: "every x64 build", pointerSize: 8, size: 0x190, offsets: { Rip: 0x168, Rsp: 0x180 }, source: "thalium/icebox Windows_structs.h _KTRAP_FRAME (x64)" }],
    };
    /**
     * _UNLOADED_DRIVERS: one entry of nt!MmUnloadedDrivers (a pointer to an array of MI_UNLOADED_DRIVERS = 50), ring
     * index nt!MmLastUnloadedDriver. No public PDB has the type (research layouts.md §3, open question 7): offsets from
     * the WRK's mm.h definition { UNICODE_STRING Name; PVOID StartAddress; PVOID EndAddress; LARGE_INTEGER CurrentTime; },
     * as WinObjEx64 still reads it on Windows 10/11.
     */
    const UNLOADED_DRIVERS = {
        module: "nt",
        typeName: "_UNLOADED_DRIVERS",
        fields: ["Name", "StartAddress", "EndAddress", "CurrentTime"],
        variants: [
            { label: "every x64 build", pointerSize: 8, size: 0x28, offsets: { Name: 0, StartAddress: 0x10, EndAddress: 0x18, CurrentTime: 0x20 }, source: "WRK mm.h _UNLOADED_DRIVERS (layouts.md §3)" },
            { label: "every x86 build", pointerSize: 4, size: 0x18, offsets: { Name: 0, StartAddress: 8, EndAddress: 0xc, CurrentTime: 0x10 }, source: "WRK mm.h _UNLOADED_DRIVERS (layouts.md §3)" },
        ],
    };
    /** MI_UNLOADED_DRIVERS (WRK mm.h): the array's length. */
    const MI_UNLOADED_DRIVERS = 50;

    const IRQL = "Current IRQL";
    const NONE = ["Reserved", "Reserved", "Reserved"];
    const RULE = ["The violated rule condition (a string)", "Optional pointer to the rule's state", "Reserved"];
    const RULEINFO = ["The violated rule condition (a string)", "Rule state (second argument of !ruleinfo)", "Supplemental state (third argument of !ruleinfo)"];
    const FREE_TRACKED = "ExFreePool: a value Driver Verifier uses to track the allocation is wrong";
    const OVERRUN = "The driver freed memory after writing past the end of the allocation (Pool Tracking)";
    const DEADLOCK = " (Deadlock Detection)";
    function rule(name, parameters = RULE) {
        return { meaning: "DDI compliance rule " + name + " violated", parameters };
    }
    function vmSwitch(what, parameters) {
        return { meaning: "Hyper-V extensible switch: " + what, parameters };
    }
    const VERIFIER_SUBCODES = {
        0x00: { meaning: "The driver requested a zero-byte pool allocation", parameters: [IRQL, "Pool type", "Number of bytes"] },
        0x01: { meaning: "The driver allocated paged pool at IRQL > APC_LEVEL", parameters: [IRQL, "Pool type", "Size of the allocation, in bytes"] },
        0x02: { meaning: "The driver allocated nonpaged pool at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "Pool type", "Size of the allocation, in bytes"] },
        0x03: { meaning: "The driver asked for more than one page of must-succeed pool", parameters: NONE },
        0x10: { meaning: "The driver freed an address that no allocation returned", parameters: ["Bad address", "0", "0"] },
        0x11: { meaning: "The driver freed paged pool at IRQL > APC_LEVEL", parameters: [IRQL, "Pool type", "Address of the pool"] },
        0x12: { meaning: "The driver freed nonpaged pool at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "Pool type", "Address of the pool"] },
        0x13: { meaning: "The driver freed pool that was already freed", parameters: ["Reserved", "Pointer to the pool header", "Pool header contents"] },
        0x14: { meaning: "The driver freed pool that was already freed", parameters: ["Reserved", "Pointer to the pool header", "Pool header contents"] },
        0x15: { meaning: "The pool being freed contains an active timer", parameters: ["Timer entry", "Pool type", "Pool address being freed"] },
        0x16: { meaning: "The driver freed pool at a bad address or passed bad parameters to a memory routine", parameters: ["Reserved", "Pool address", "0"] },
        0x17: { meaning: "The pool being freed contains an active ERESOURCE", parameters: ["Resource entry", "Pool type", "Pool address being freed"] },
        0x30: { meaning: "KeRaiseIrql was given an IRQL below the current one or above HIGH_LEVEL", parameters: [IRQL, "Requested IRQL", "0"] },
        0x31: { meaning: "KeLowerIrql was given an IRQL above the current one or above HIGH_LEVEL", parameters: [IRQL, "Requested IRQL", "0: the new IRQL is bad; 1: invalid inside a DPC routine"] },
        0x32: { meaning: "KeReleaseSpinLock called at an IRQL other than DISPATCH_LEVEL (perhaps a double release)", parameters: [IRQL, "Spin lock address", "0"] },
        0x33: { meaning: "The driver acquired a fast mutex at IRQL > APC_LEVEL", parameters: [IRQL, "Fast mutex address", "0"] },
        0x34: { meaning: "The driver released a fast mutex at an IRQL other than APC_LEVEL", parameters: [IRQL, "Fast mutex address", "0"] },
        0x35: { meaning: "The kernel released a spin lock at an IRQL other than DISPATCH_LEVEL", parameters: [IRQL, "Spin lock address", "Old IRQL"] },
        0x36: { meaning: "The kernel released a queued spin lock at an IRQL other than DISPATCH_LEVEL", parameters: [IRQL, "Spin lock number", "Old IRQL"] },
        0x37: { meaning: "The driver acquired a resource with APCs enabled", parameters: [IRQL, "Thread APC disable count", "Resource"] },
        0x38: { meaning: "The driver released a resource with APCs enabled", parameters: [IRQL, "Thread APC disable count", "Resource"] },
        0x39: { meaning: "The driver acquired a mutex \"unsafe\" at an IRQL other than APC_LEVEL", parameters: [IRQL, "Thread APC disable count", "Mutex"] },
        0x3a: { meaning: "The driver released a mutex \"unsafe\" at an IRQL other than APC_LEVEL", parameters: [IRQL, "Thread APC disable count", "Mutex"] },
        0x3c: { meaning: "ObReferenceObjectByHandle was given a bad handle", parameters: ["Handle passed to the routine", "Object type", "0"] },
        0x3d: { meaning: "ExAcquireResourceExclusive was given a bad (unaligned) resource", parameters: ["0", "0", "Address of the bad resource"] },
        0x3e: { meaning: "KeLeaveCriticalRegion called for a thread that is not in a critical region", parameters: ["0", "0", "0"] },
        0x3f: { meaning: "ObReferenceObject or ObDereferenceObject applied to an object whose reference count is zero", parameters: ["Object address", "New reference count (-1: dereference, 1: reference)", "0"] },
        0x40: { meaning: "KeAcquireSpinLockAtDpcLevel called at IRQL < DISPATCH_LEVEL", parameters: [IRQL, "Spin lock address", "0"] },
        0x41: { meaning: "KeReleaseSpinLockFromDpcLevel called at IRQL < DISPATCH_LEVEL", parameters: [IRQL, "Spin lock address", "0"] },
        0x42: { meaning: "KeAcquireSpinLock called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "Spin lock address", "0"] },
        0x51: { meaning: OVERRUN, parameters: ["Base address of the allocation", "Address of the reference beyond the allocation", "Number of charged bytes"] },
        0x52: { meaning: OVERRUN, parameters: ["Base address of the allocation", "Reserved", "Number of charged bytes"] },
        0x53: { meaning: OVERRUN, parameters: ["Base address of the allocation", "Reserved", "Reserved"] },
        0x54: { meaning: OVERRUN, parameters: ["Base address of the allocation", "Reserved", "Reserved"] },
        0x59: { meaning: OVERRUN, parameters: ["Base address of the allocation", "Reserved", "Reserved"] },
        0x60: { meaning: "The driver is unloading without freeing its pool allocations (Pool Tracking)", parameters: ["Bytes allocated from paged pool", "Bytes allocated from nonpaged pool", "Total number of allocations not freed"] },
        0x61: { meaning: "A driver thread allocates pool while the driver is unloading (Pool Tracking)", parameters: ["Bytes allocated from paged pool", "Bytes allocated from nonpaged pool", "Total number of allocations not freed"] },
        0x62: { meaning: "A driver unloaded with pool allocations Driver Verifier still tracks (a leak)", parameters: ["Name of the driver", "Verifier internal structure with the driver's information", "Total number of paged and nonpaged allocations not freed"] },
        0x70: { meaning: "MmProbeAndLockPages called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "MDL address", "Access mode"] },
        0x71: { meaning: "MmProbeAndLockProcessPages called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "MDL address", "Process address"] },
        0x72: { meaning: "MmProbeAndLockSelectedPages called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "MDL address", "Process address"] },
        0x73: { meaning: "MmMapIoSpace called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "Physical address (low 32 bits on 32-bit Windows)", "Number of bytes"] },
        0x74: { meaning: "MmMapLockedPages (kernel mode) called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "MDL address", "Access mode"] },
        0x75: { meaning: "MmMapLockedPages (user mode) called at IRQL > APC_LEVEL", parameters: [IRQL, "MDL address", "Access mode"] },
        0x76: { meaning: "MmMapLockedPagesSpecifyCache (kernel mode) called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "MDL address", "Access mode"] },
        0x77: { meaning: "MmMapLockedPagesSpecifyCache (user mode) called at IRQL > APC_LEVEL", parameters: [IRQL, "MDL address", "Access mode"] },
        0x78: { meaning: "MmUnlockPages called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "MDL address", "0"] },
        0x79: { meaning: "MmUnmapLockedPages (kernel mode) called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "Virtual address being unmapped", "MDL address"] },
        0x7a: { meaning: "MmUnmapLockedPages (user mode) called at IRQL > APC_LEVEL", parameters: [IRQL, "Virtual address being unmapped", "MDL address"] },
        0x7b: { meaning: "MmUnmapIoSpace called at IRQL > APC_LEVEL", parameters: [IRQL, "Virtual address being unmapped", "Number of bytes"] },
        0x7c: { meaning: "MmUnlockPages given an MDL whose pages were never locked", parameters: ["MDL address", "MDL flags", "0"] },
        0x7d: { meaning: "MmUnlockPages given an MDL of nonpaged pool (never unlocked)", parameters: ["MDL address", "MDL flags", "0"] },
        0x7e: { meaning: "MmAllocatePagesForMdl(Ex) or MmFreePagesFromMdl called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "DISPATCH_LEVEL", "0"] },
        0x7f: { meaning: "MmBuildMdlForNonPagedPool given an MDL of paged pool", parameters: [IRQL, "MDL address", "MDL flags"] },
        0x80: { meaning: "KeSetEvent called at IRQL > DISPATCH_LEVEL", parameters: [IRQL, "Event address", "0"] },
        0x81: { meaning: "The driver called MmMapLockedPages (use MmMapLockedPagesSpecifyCache with BugCheckOnFailure FALSE)", parameters: ["MDL address", "MDL flags", "0"] },
        0x82: { meaning: "MmMapLockedPagesSpecifyCache called with BugCheckOnFailure TRUE", parameters: ["MDL address", "MDL flags", "0"] },
        0x83: { meaning: "MmMapIoSpace called on physical pages that were not locked down", parameters: ["Start of the physical range to map", "Number of bytes to map", "First page frame number not locked down"] },
        0x85: { meaning: "MmMapLockedPages called on MDL pages that were not locked down", parameters: ["MDL address", "Number of pages to map", "First page frame number not locked down"] },
        0x89: { meaning: "An MDL not marked as I/O holds non-memory page addresses", parameters: ["MDL address", "Pointer to the non-memory page in the MDL", "The non-memory page number"] },
        0x91: { meaning: "The driver switched stacks in an unsupported way (only KeExpandKernelStackAndCallout is)", parameters: NONE },
        0xa0: { meaning: "Disk Integrity Checking found a CRC error on a disk sector", parameters: ["IRP of the read or write", "Device object of the lower device", "Sector number"] },
        0xa1: { meaning: "Disk Integrity Checking found a CRC error on a sector (asynchronously)", parameters: ["Copy of the IRP of the read or write (the IRP itself has completed)", "Device object of the lower device", "Sector number"] },
        0xa2: { meaning: "Disk Integrity Checking: the CRCDISK checksum copies differ (possibly a paging error)", parameters: ["IRP of the read or write, or a copy", "Device object of the lower device", "Sector number"] },
        0xb0: { meaning: "MmProbeAndLockPages given an MDL with incorrect flags", parameters: ["MDL address", "MDL flags", "Incorrect MDL flags"] },
        0xb1: { meaning: "MmProbeAndLockProcessPages given an MDL with incorrect flags", parameters: ["MDL address", "MDL flags", "Incorrect MDL flags"] },
        0xb2: { meaning: "MmMapLockedPages given an MDL with incorrect flags (already mapped, or not locked)", parameters: ["MDL address", "MDL flags", "Incorrect MDL flags"] },
        0xb3: { meaning: "MmMapLockedPages given an MDL missing expected flags (not locked)", parameters: ["MDL address", "MDL flags", "Missing MDL flags"] },
        0xb4: { meaning: "MmUnlockPages called for a partial MDL (one built by IoBuildPartialMdl)", parameters: ["MDL address", "MDL flags", "Unexpected partial MDL flag"] },
        0xb8: { meaning: "IoFreeMdl called while the MDL's pages are still mapped", parameters: ["MDL address", "MDL flags", "Reserved"] },
        0xc0: { meaning: "IoCallDriver called with interrupts disabled", parameters: ["Address of the IRP", "Reserved", "Reserved"] },
        0xc1: { meaning: "A dispatch routine returned with interrupts disabled", parameters: ["Address of the dispatch routine", "Reserved", "Reserved"] },
        0xc2: { meaning: "A Fast I/O dispatch routine was called with interrupts disabled", parameters: NONE },
        0xc3: { meaning: "A Fast I/O dispatch routine returned with interrupts disabled", parameters: ["Address of the Fast I/O dispatch routine", "Reserved", "Reserved"] },
        0xc5: { meaning: "A dispatch routine changed the thread's APC disable count (unpaired critical region or mutex)", parameters: ["Address of the dispatch routine", "Current APC disable count", "APC disable count before the call"] },
        0xc6: { meaning: "A Fast I/O dispatch routine changed the thread's APC disable count", parameters: ["Address of the Fast I/O dispatch routine", "Current APC disable count", "APC disable count before the call"] },
        0xca: { meaning: "The driver re-initialized a lookaside list", parameters: ["Address of the lookaside list", "Reserved", "Reserved"] },
        0xcb: { meaning: "The driver deleted an uninitialized lookaside list", parameters: ["Address of the lookaside list", "Reserved", "Reserved"] },
        0xcc: { meaning: "The driver freed pool that contains an active lookaside list", parameters: ["Address of the lookaside list", "Start of the pool allocation", "Size of the pool allocation"] },
        0xcd: { meaning: "The driver created a lookaside list with a block size that is too small", parameters: ["Address of the lookaside list", "Block size given", "Minimum block size"] },
        0xd0: { meaning: "The driver re-initialized an ERESOURCE", parameters: ["Address of the ERESOURCE", "Reserved", "Reserved"] },
        0xd1: { meaning: "The driver deleted an uninitialized ERESOURCE", parameters: ["Address of the ERESOURCE", "Reserved", "Reserved"] },
        0xd2: { meaning: "The driver freed pool that contains an active ERESOURCE", parameters: ["Address of the ERESOURCE", "Start of the pool allocation", "Size of the pool allocation"] },
        0xd5: { meaning: "IoReleaseRemoveLock's tag does not match the IoAcquireRemoveLock tag (I/O Verification)", parameters: ["Address of the remove lock (Driver Verifier's shadow lock)", "Current IoReleaseRemoveLock tag", "Reserved"] },
        0xd6: { meaning: "IoReleaseRemoveLockAndWait's tag does not match the IoAcquireRemoveLock tag (I/O Verification)", parameters: ["Address of the remove lock (Driver Verifier's shadow lock)", "Tag that does not match", "Previous IoAcquireRemoveLock tag"] },
        0xd7: { meaning: "A remove lock was re-initialized (other threads may still use it)", parameters: ["Driver Verifier's internal remove lock", "Remove lock given by the driver", "Reserved"] },
        0xda: { meaning: "A driver unloaded without deregistering its WMI callback", parameters: ["Start address of the driver", "WMI callback address in the driver", "Reserved"] },
        0xdb: { meaning: "A device object was deleted without being deregistered from WMI", parameters: ["Address of the device object", "Reserved", "Reserved"] },
        0xdc: { meaning: "EtwUnregister was given an invalid RegHandle", parameters: NONE },
        0xdd: { meaning: "A driver unloaded without calling EtwUnregister", parameters: ["Address of the EtwRegister call", "Start address of the unloading driver", "ETW RegHandle (Windows 8 and later)"] },
        0xdf: { meaning: "A synchronization object lies in session address space", parameters: ["Synchronization object address", "Not documented", "Not documented"] },
        0xe0: { meaning: "A kernel function was given a user-mode address", parameters: ["User-mode address passed", "Size of the address range, in bytes", "Reserved"] },
        0xe1: { meaning: "A synchronization object's address is invalid or pageable", parameters: ["Address of the synchronization object", "Reserved", "Reserved"] },
        0xe2: { meaning: "A kernel-mode IRP holds a user-mode address", parameters: ["Address of the IRP", "User-mode address in the IRP", "Reserved"] },
        0xe3: { meaning: "A ZwXxx routine was called from kernel mode with a user-mode address", parameters: ["Address of the call", "User-mode address passed", "Reserved"] },
        0xe4: { meaning: "A ZwXxx routine was called with a malformed UNICODE_STRING", parameters: ["Address of the call", "Address of the malformed UNICODE_STRING", "Reserved"] },
        0xe5: { meaning: "A kernel API was called at the wrong IRQL", parameters: [IRQL, "Reserved", "Reserved"] },
        0xe6: { meaning: "A Zw API was called above PASSIVE_LEVEL or with special kernel APCs disabled", parameters: ["Address in the driver of the Zw call", IRQL, "Special kernel APCs"] },
        0xea: { meaning: "The driver acquired a pushlock with APCs enabled", parameters: [IRQL, "Thread APC disable count", "Address of the pushlock"] },
        0xeb: { meaning: "The driver released a pushlock with APCs enabled", parameters: [IRQL, "Thread APC disable count", "Address of the pushlock"] },
        0xf0: { meaning: "memcpy called with overlapping source and destination", parameters: ["Destination buffer", "Source buffer", "Number of bytes to copy"] },
        0xf5: { meaning: "ObReferenceObjectByHandle was given a NULL handle", parameters: ["Address of the NULL handle", "Object type", "Reserved"] },
        0xf6: { meaning: "The driver referenced a user-mode handle as kernel mode", parameters: ["Handle value", "Address of the current process", "Address in the driver of the reference"] },
        0xf7: { meaning: "The driver made a user-mode reference to a kernel handle in the System process", parameters: ["Handle value", "Object type", "AccessMode"] },
        0xfa: { meaning: "An IRP completion routine returned at a different IRQL than it was called at", parameters: ["Completion routine address", "IRQL before the call", "IRQL after the call"] },
        0xfb: { meaning: "An IRP completion routine changed the thread's APC disable count", parameters: ["Completion routine address", "Current APC disable count", "APC disable count before the call"] },
        0x105: { meaning: "The driver freed an IRP with ExFreePool instead of IoFreeIrp", parameters: ["Address of the IRP", "Not documented", "Not documented"] },
        0x10a: { meaning: "The driver charged pool quota to the Idle process", parameters: NONE },
        0x10b: { meaning: "The driver charged pool quota from a DPC routine (the process context is undefined)", parameters: NONE },
        0x110: { meaning: "An interrupt service routine corrupted the extended thread context", parameters: ["Address of the ISR", "Extended context saved before the ISR", "Extended context saved after the ISR"] },
        0x111: { meaning: "An interrupt service routine returned at a changed IRQL", parameters: ["Address of the ISR", "IRQL before the ISR", "IRQL after the ISR"] },
        0x115: { meaning: "Shutdown has not completed after 20 minutes (a thread may be deadlocked)", parameters: ["The thread responsible for the shutdown", "Not documented", "Not documented"] },
        0x11a: { meaning: "KeEnterCriticalRegion called at IRQL > APC_LEVEL", parameters: [IRQL, "Not documented", "Not documented"] },
        0x11b: { meaning: "KeLeaveCriticalRegion called at IRQL > APC_LEVEL", parameters: [IRQL, "Not documented", "Not documented"] },
        0x120: { meaning: "A wait (KeWaitForSingleObject/MultipleObjects) at IRQL > DISPATCH_LEVEL", parameters: ["Address of the IRQL value", "Address of the object waited on", "Address of the timeout value"] },
        0x121: { meaning: "A wait at DISPATCH_LEVEL with a NULL timeout", parameters: ["Address of the IRQL value", "Address of the object waited on", "Address of the timeout value"] },
        0x122: { meaning: "A wait at DISPATCH_LEVEL with a non-zero timeout (allowed only at IRQL <= APC_LEVEL)", parameters: ["Address of the IRQL value", "Address of the object waited on", "Address of the timeout value"] },
        0x123: { meaning: "A UserMode wait on an object that lies on the kernel stack", parameters: ["Address of the object waited on", "Not documented", "Not documented"] },
        0x130: { meaning: "A work item lies in session address space", parameters: ["Address of the work item", "Not documented", "Not documented"] },
        0x131: { meaning: "A work item lies in pageable memory", parameters: ["Address of the work item", "Not documented", "Not documented"] },
        0x135: { meaning: "A canceled IRP was not completed in the expected time", parameters: ["Address of the IRP", "Milliseconds allowed between IoCancelIrp and completion", "Not documented"] },
        0x13a: { meaning: FREE_TRACKED, parameters: ["Address of the pool block being freed", "Incorrect value", "Address of the incorrect value"] },
        0x13b: { meaning: FREE_TRACKED, parameters: ["Address of the pool block being freed", "Address of the incorrect value", "Address of a pointer to the incorrect memory page"] },
        0x13c: { meaning: FREE_TRACKED, parameters: ["Address of the pool block being freed", "Incorrect value", "Address of the incorrect value"] },
        0x13d: { meaning: FREE_TRACKED, parameters: ["Address of the pool block being freed", "Address of the incorrect value", "Value expected"] },
        0x13e: { meaning: "ExFreePool: the address freed differs from the one Driver Verifier tracks", parameters: ["Pool block address given by the caller", "Pool block address Driver Verifier tracks", "Pointer to the tracked address"] },
        0x13f: { meaning: "ExFreePool: the size freed differs from the size Driver Verifier tracks", parameters: ["Address of the pool block being freed", "Number of bytes being freed", "Pointer to the tracked number of bytes"] },
        0x140: { meaning: "A non-locked MDL was built from pageable or tradable memory", parameters: [IRQL, "MDL address", "Virtual address of the MDL"] },
        0x1000: { meaning: "Self-deadlock: the thread acquired a resource recursively" + DEADLOCK, parameters: ["Address of the resource", "Reserved", "Reserved"] },
        0x1001: { meaning: "Deadlock: a lock hierarchy violation" + DEADLOCK, parameters: ["The resource that finally caused the deadlock", "Reserved", "Reserved"] },
        0x1002: { meaning: "A resource was acquired before it was initialized" + DEADLOCK, parameters: ["Address of the resource", "Reserved", "Reserved"] },
        0x1003: { meaning: "Resources were released in the wrong order" + DEADLOCK, parameters: ["The resource being released", "The resource that should have been released first", "Reserved"] },
        0x1004: { meaning: "A resource was released by a thread other than its owner" + DEADLOCK, parameters: ["Address of the resource", "Thread that acquired the resource", "Current thread"] },
        0x1005: { meaning: "A resource was initialized more than once" + DEADLOCK, parameters: ["Address of the resource", "Reserved", "Reserved"] },
        0x1007: { meaning: "A resource was released before it was acquired" + DEADLOCK, parameters: ["Address of the resource", "Reserved", "Reserved"] },
        0x1008: { meaning: "A lock was acquired with an API that does not match its type", parameters: ["Lock address", "Driver Verifier internal data", "Driver Verifier internal data"] },
        0x1009: { meaning: "A lock was released with an API that does not match its type", parameters: ["Lock address", "Driver Verifier internal data", "Driver Verifier internal data"] },
        0x100a: { meaning: "A thread terminated while owning a lock", parameters: ["Owner thread address", "Driver Verifier internal data", "Not documented"] },
        0x100b: { meaning: "A deleted lock is still owned by a thread", parameters: ["Lock address", "Owner thread address", "Driver Verifier internal data"] },
        0x2000: { meaning: "A Storport miniport passed a NULL pointer to StorPortInitialize", parameters: ["First argument of StorPortInitialize (driver object)", "Second argument of StorPortInitialize", "Reserved"] },
        0xa001: vmSwitch("the NetBufferList's SourceHandle is not set", ["NetBufferList", "Virtual switch object (if not NULL)", "Reserved"]),
        0xa002: vmSwitch("the NetBufferList's forwarding detail is not zero", ["NetBufferList", "Virtual switch object (if not NULL)", "Reserved"]),
        0xa003: vmSwitch("a NetBufferList with a NULL packet header or routing context", ["NetBufferList", "Virtual switch object (if not NULL)", "Reserved"]),
        0xa004: vmSwitch("an invalid port and NIC index combination", ["ID of the invalid port", "NIC index", "Virtual switch object (if not NULL)"]),
        0xa005: vmSwitch("an invalid destination", ["NetBufferList", "Destination list", "Virtual switch object (if not NULL)"]),
        0xa006: vmSwitch("an invalid source NIC or port", ["NetBufferList", "Virtual switch object (if not NULL)", "Reserved"]),
        0xa007: vmSwitch("an invalid destination list", ["NetBufferList", "Virtual switch object (if not NULL)", "Reserved"]),
        0xa008: vmSwitch("a NIC referenced when not allowed", ["Parent NIC object", "NIC index", "Virtual switch object (if not NULL)"]),
        0xa009: vmSwitch("a port referenced when not allowed", ["Port referenced", "Virtual switch object (if not NULL)", "Reserved"]),
        0xa00a: vmSwitch("the failure context is already set", ["NetBufferList", "ContextTypeInfo object", "Reserved"]),
        0xa00b: vmSwitch("an invalid direction for a dropped NetBufferList", ["NetBufferList", "NDIS_SWITCH_REPORT_FILTERED_NBL_FLAGS_*", "Virtual switch object (if not NULL)"]),
        0xa00c: vmSwitch("a NetBufferList chain with several source ports under NDIS_SEND_FLAGS_SWITCH_SINGLE_SOURCE", ["NetBufferList", "Send flags", "Virtual switch object (if not NULL)"]),
        0xa00d: vmSwitch("NetBufferLists with an invalid destination under NDIS_RECEIVE_FLAGS_SWITCH_DESTINATION_GROUP", ["NetBufferList", "Virtual switch context", "Virtual switch object (if not NULL)"]),
        0x20002: rule("IrqlApcLte"),
        0x20003: rule("IrqlDispatch"),
        0x20004: rule("IrqlExAllocatePool"),
        0x20005: rule("IrqlExApcLte1"),
        0x20006: rule("IrqlExApcLte2"),
        0x20007: rule("IrqlExApcLte3"),
        0x20008: rule("IrqlExPassive"),
        0x20009: rule("IrqlIoApcLte"),
        0x2000a: rule("IrqlIoPassive1"),
        0x2000b: rule("IrqlIoPassive2"),
        0x2000c: rule("IrqlIoPassive3"),
        0x2000d: rule("IrqlIoPassive4"),
        0x2000e: rule("IrqlIoPassive5"),
        0x2000f: rule("IrqlKeApcLte1"),
        0x20010: rule("IrqlKeApcLte2"),
        0x20011: rule("IrqlKeDispatchLte"),
        0x20015: rule("IrqlKeReleaseSpinLock"),
        0x20016: rule("IrqlKeSetEvent"),
        0x20019: rule("IrqlMmApcLte"),
        0x2001a: rule("IrqlMmDispatch"),
        0x2001b: rule("IrqlObPassive"),
        0x2001c: rule("IrqlPsPassive"),
        0x2001d: rule("IrqlReturn", RULEINFO),
        0x2001e: rule("IrqlRtlPassive"),
        0x2001f: rule("IrqlZwPassive"),
        0x20022: rule("IrqlIoDispatch", ["The violated rule condition (a string)", "Reserved", "Reserved"]),
        0x40003: rule("CriticalRegions", RULEINFO),
        0x40006: rule("QueuedSpinLock", RULEINFO),
        0x40007: rule("QueuedSpinLockRelease", RULEINFO),
        0x40009: rule("SpinLock", RULEINFO),
        0x4000b: rule("SpinlockRelease", RULEINFO),
        0x4000e: rule("GuardedRegions", RULEINFO),
        0x4100b: rule("RequestedPowerIrp", ["The violated rule condition (a string)", "Reserved", "Reserved"]),
        0x4100f: rule("IoSetCompletionExCompleteIrp", RULEINFO),
        0x43006: rule("PnpRemove", ["The violated rule condition (a string)", "Reserved", "Reserved"]),
        0x91001: rule("NdisOidComplete", RULEINFO),
        0x91002: rule("NdisOidDoubleComplete", RULEINFO),
        0x9100e: rule("NdisOidDoubleRequest", RULEINFO),
        0x92003: rule("NdisTimedOidComplete (NDIS/WiFi)", RULEINFO),
        0x9200d: rule("NdisTimedDataSend (NDIS/WiFi)", RULEINFO),
        0x9200f: rule("NdisTimedDataHang (NDIS/WiFi)", RULEINFO),
        0x93004: rule("WlanAssociation (NDIS/WiFi)", RULEINFO),
        0x93005: rule("WlanConnectionRoaming (NDIS/WiFi)", RULEINFO),
        0x93006: rule("WlanDisassociation (NDIS/WiFi)", RULEINFO),
        0x94007: rule("WlanTimedAssociation (NDIS/WiFi)", RULEINFO),
        0x94008: rule("WlanTimedConnectionRoaming (NDIS/WiFi)", RULEINFO),
        0x94009: rule("WlanTimedConnectRequest (NDIS/WiFi)", RULEINFO),
        0x9400b: rule("WlanTimedLinkQuality (NDIS/WiFi)", RULEINFO),
        0x9400c: rule("WlanTimedScan (NDIS/WiFi)", RULEINFO),
    };

    // Bugcheck names, parameter meanings, subcodes and NTSTATUS names: data, each table citing its source.
    // MSD = Microsoft's bug check reference pages (learn.microsoft.com/windows-hardware/drivers/debugger/bug-check-0x..),
    // as cited in research/layouts.md §5. NTSTATUS names: ntstatus.h (windows-sys constants), meanings: MSD 0x7A page.
    const SUBCODE = "Subcode: the kind of violation (see below)";
    const BUGCHECK_CODES = {
        0x0a: { name: "IRQL_NOT_LESS_OR_EQUAL", parameters: ["Memory referenced", "IRQL at the time of the reference", "Operation (bit 0: write, bit 3: execute)", "Address that referenced the memory"], source: "MSD bug-check-0xa" },
        0x19: { name: "BAD_POOL_HEADER", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0x19--bad-pool-header (layouts.md §5)" },
        0x1a: { name: "MEMORY_MANAGEMENT", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0x1a--memory-management" },
        0x1e: { name: "KMODE_EXCEPTION_NOT_HANDLED", parameters: ["Exception code", "Address of the exception", "Exception parameter 0", "Exception parameter 1"], source: "MSD bug-check-0x1e" },
        0x3b: { name: "SYSTEM_SERVICE_EXCEPTION", parameters: ["Exception code", "Address of the instruction that caused the exception", "Address of the context record", "Reserved"], source: "MSD bug-check-0x3b" },
        0x50: { name: "PAGE_FAULT_IN_NONPAGED_AREA", parameters: ["Memory address referenced", "Access (Windows 10: bit 1 write, bit 4 execute; before: 0 read, 1 write)", "Address of the instruction that referenced the memory (if known)", "Fault type: 3 wrong session, 4 address not canonical"], source: "MSD bug-check-0x50--page-fault-in-nonpaged-area (layouts.md §5)" },
        0x7a: { name: "KERNEL_DATA_INPAGE_ERROR", parameters: ["Lock type, or the PTE address (see the layout below)", "Error status (NTSTATUS)", "Current process, InPageSupport address or PTE contents (see the layout)", "Virtual address that could not be paged in"], source: "MSD bug-check-0x7a--kernel-data-inpage-error (layouts.md §5)" },
        0x7e: { name: "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED", parameters: ["Exception code", "Address of the exception", "Address of the exception record", "Address of the context record"], source: "MSD bug-check-0x7e" },
        0xc2: { name: "BAD_POOL_CALLER", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0xc2--bad-pool-caller (layouts.md §5)" },
        0xc4: { name: "DRIVER_VERIFIER_DETECTED_VIOLATION", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0xc4--driver-verifier-detected-violation (layouts.md §5)" },
        0xd1: { name: "DRIVER_IRQL_NOT_LESS_OR_EQUAL", parameters: ["Memory referenced", "IRQL at the time of the reference", "Operation (0 read, 1 write, 2 or 8 execute)", "Address that referenced the memory"], source: "MSD bug-check-0xd1" },
        0x4e: { name: "PFN_LIST_CORRUPT", parameters: [SUBCODE, "Depends on the subcode", "Depends on the subcode", "Depends on the subcode"], source: "MSD bug-check-0x4e--pfn-list-corrupt" },
        0x8e: { name: "KERNEL_MODE_EXCEPTION_NOT_HANDLED", parameters: ["Exception code", "Address of the exception", "Address of the trap frame", "Reserved"], source: "MSD bug-check-0x8e--kernel-mode-exception-not-handled" },
        0xc1: { name: "SPECIAL_POOL_DETECTED_MEMORY_CORRUPTION", parameters: ["Address the driver tried to free", "Reserved", "Depends on Arg4", "Type of the violation (see below)"], source: "MSD bug-check-0xc1--special-pool-detected-memory-corruption" },
        0xc5: { name: "DRIVER_CORRUPTED_EXPOOL", parameters: ["Memory referenced", "IRQL at the time of the reference", "Operation (0 read, 1 write)", "Address that referenced the memory"], source: "MSD bug-check-0xc5--driver-corrupted-expool" },
        0xcc: { name: "PAGE_FAULT_IN_FREED_SPECIAL_POOL", parameters: ["Memory address referenced", "Operation (0 read, 1 write)", "Address that referenced the memory (if known)", "Reserved"], source: "MSD bug-check-0xcc--page-fault-in-freed-special-pool" },
        0xcd: { name: "PAGE_FAULT_BEYOND_END_OF_ALLOCATION", parameters: ["Memory address referenced", "Operation (0 read, 1 write)", "Address that referenced the memory (if known)", "Reserved"], source: "MSD bug-check-0xcd--page-fault-beyond-end-of-allocation" },
        0xd5: { name: "DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL", parameters: ["Memory address referenced", "Operation (0 read, 1 write)", "Address that referenced the memory (if known)", "Reserved"], source: "MSD bug-check-0xd5--driver-page-fault-in-freed-special-pool" },
        0xd6: { name: "DRIVER_PAGE_FAULT_BEYOND_END_OF_ALLOCATION", parameters: ["Memory address referenced", "Operation (0 read, 1 write)", "Address that referenced the memory (if known)", "Reserved"], source: "MSD bug-check-0xd6--driver-page-fault-beyond-end-of-allocation" },
        0x12b: { name: "FAULTY_HARDWARE_CORRUPTED_PAGE", parameters: ["Virtual address that maps the corrupted page", "Physical page number", "Reserved", "Reserved"], source: "MSD bug-check-0x12b--faulty-hardware-corrupted-page" },
        0x139: { name: "KERNEL_SECURITY_CHECK_FAILURE", parameters: [SUBCODE, "Address of the trap frame", "Address of the exception record", "Reserved"], source: "MSD bug-check-0x139--kernel-security-check-failure" },
        0x13a: { name: "KERNEL_MODE_HEAP_CORRUPTION", parameters: ["Type of corruption (see below)", "Address of the heap that reported the corruption", "Address at which the corruption was detected", "Reserved"], source: "MSD bug-check-0x13a--kernel-mode-heap-corruption" },
        0x154: { name: "UNEXPECTED_STORE_EXCEPTION", parameters: ["Pointer to the store context or data manager", "Exception information", "Reserved", "Reserved"], source: "MSD bug-check-0x154--unexpected-store-exception (layouts.md §5)" },
    };
    /**
     * The reference page the user is pointed at: Microsoft's bug check page, whose address is the code and the name
     * (learn.microsoft.com/.../bug-check-0xc4--driver-verifier-detected-violation). `source` above cites our research for
     * developers; output never names a file of ours (issue 14, part 3).
     */
    function referencePage(code) {
        const info = BUGCHECK_CODES[code];
        const slug = "bug-check-0x" + code.toString(16) + (info ? "--" + info.name.toLowerCase().replace(/_/g, "-") : "");
        return "https://learn.microsoft.com/windows-hardware/drivers/debugger/" + slug;
    }
    /**
     * The flag Windows sets on the "_M" variants of a code (0x1000007E is 0x7E with it): same meaning and parameters,
     * the name with "_M" appended (MSD bug-check-0x1000007e--system-thread-exception-not-handled-m: "has the same meaning
     * and parameters as bug check 0x7E"; !analyze names it SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M (1000007e), fixtures).
     */
    const M_FLAG = 0x10000000;
    function codeName(code) {
        const direct = BUGCHECK_CODES[code];
        if (direct)
            return { base: code, name: direct.name, isM: false, info: direct };
        if ((code & M_FLAG) !== 0) {
            const base = (code & ~M_FLAG) >>> 0;
            const info = BUGCHECK_CODES[base];
            if (info)
                return { base, name: info.name + "_M", isM: true, info };
        }
        return { base: code, name: "unknown bugcheck", isM: false, info: null };
    }
    const SUBCODES = {
        // Every documented Parameter 1: see verifier-subcodes.ts.
        0xc4: VERIFIER_SUBCODES,
        // MSD bug-check-0xc2--bad-pool-caller (MicrosoftDocs/windows-driver-docs, windows-driver-docs-pr/debugger/
        // bug-check-0xc2--bad-pool-caller.md at commit 06b862bd): every Parameter 1 the page lists.
        0xc2: {
            0x00: { meaning: "The caller requested a zero-byte pool allocation", parameters: ["0", "Pool type", "Pool tag"] },
            0x01: { meaning: "A pool header is corrupt", parameters: ["Pointer to the pool header", "First part of the pool header's contents", "0"] },
            0x02: { meaning: "A pool header is corrupt", parameters: ["Pointer to the pool header", "First part of the pool header's contents", "0"] },
            0x04: { meaning: "A pool header is corrupt", parameters: ["Pointer to the pool header", "First part of the pool header's contents", "0"] },
            0x06: { meaning: "The caller freed pool that was already freed (double free)", parameters: ["Reserved", "Pointer to the pool header", "Pool header contents"] },
            0x07: { meaning: "The caller freed pool that was already freed (double free)", parameters: ["Reserved", "Pool header contents", "Address of the block being freed"] },
            0x08: { meaning: "The caller allocated pool at an invalid IRQL", parameters: ["Current IRQL", "Pool type", "Size of the allocation, in bytes"] },
            0x09: { meaning: "The caller freed pool at an invalid IRQL", parameters: ["Current IRQL", "Pool type", "Address of the pool"] },
            0x0a: { meaning: "The caller freed pool with a tag other than the one it was allocated with (it may belong to another component)", parameters: ["Address of the pool", "Allocator's tag", "Tag used in the free"] },
            0x0b: { meaning: "The caller released quota on a corrupt pool allocation", parameters: ["Address of the pool", "The allocation's tag", "Bad quota process pointer"] },
            0x0c: { meaning: "The caller released quota on a corrupt pool allocation", parameters: ["Address of the pool", "The allocation's tag", "Bad quota process pointer"] },
            0x0d: { meaning: "The caller released quota on a corrupt pool allocation", parameters: ["Address of the pool", "The allocation's tag", "Bad quota process pointer"] },
            0x40: { meaning: "The caller freed kernel pool at a user-mode address", parameters: ["Starting address", "Start of system address space", "0"] },
            0x41: { meaning: "The caller freed a nonpaged pool address that is not allocated", parameters: ["Starting address", "Physical page frame", "Highest physical page frame"] },
            0x42: { meaning: "The caller freed a virtual address that was never in any pool", parameters: ["Address being freed", "0", "0"] },
            0x43: { meaning: "The caller freed a virtual address that was never in any pool", parameters: ["Address being freed", "0", "0"] },
            0x44: { meaning: "The caller freed a nonpaged pool address that is not allocated", parameters: ["Starting address", "Reserved", "0"] },
            0x46: { meaning: "The caller freed an invalid pool address", parameters: ["Starting address", "0", "0"] },
            0x47: { meaning: "The caller freed a nonpaged pool address that is not allocated", parameters: ["Starting address", "Physical page frame", "Highest physical page frame"] },
            0x48: { meaning: "The caller freed a paged pool address that is not allocated", parameters: ["Starting address", "Reserved", "Reserved"] },
            0x50: { meaning: "The caller freed a paged pool address that is not allocated", parameters: ["Starting address", "Start offset from the beginning of paged pool, in pages", "Size of paged pool, in bytes"] },
            0x60: { meaning: "MmFreeContiguousMemory was given an invalid address", parameters: ["Starting address", "0", "0"] },
            0x99: { meaning: "The caller freed pool at an invalid address (or the pool header is corrupt)", parameters: ["Address being freed", "0", "0"] },
            0x9a: { meaning: "The caller asked for the obsolete MUST_SUCCEED pool type", parameters: ["Pool type", "Number of bytes requested", "Pool tag"] },
            0x9b: { meaning: "The caller allocated pool with tag 0 (untrackable)", parameters: ["Pool type", "Number of bytes requested", "Caller's address"] },
            0x9c: { meaning: "The caller allocated pool with the tag \"BIG\" (untrackable)", parameters: ["Pool type", "Number of bytes requested", "Caller's address"] },
            0x9d: { meaning: "The caller allocated pool with a tag that has no letter or digit", parameters: ["Incorrect pool tag", "Pool type", "Caller's address"] },
            0x41286: { meaning: "The caller freed a paged pool address in the middle of an allocation", parameters: ["Reserved", "Reserved", "Start offset from the beginning of paged pool, in pages"] },
        },
        // MSD bug-check-0x13a--kernel-mode-heap-corruption (learn.microsoft.com, Parameter 1 list): 0x11 and 0x12 were added
        // after MicrosoftDocs/windows-driver-docs issues #1980 and #2015 (real dumps carried them).
        0x13a: {
            0x03: { meaning: "A corrupt entry header was detected" },
            0x04: { meaning: "Multiple corrupt entry headers were detected" },
            0x05: { meaning: "A corrupt entry header in a large allocation was detected" },
            0x06: { meaning: "A corruption with the features of a buffer overrun" },
            0x07: { meaning: "A corruption with the features of a buffer underrun" },
            0x08: { meaning: "A free block was passed to an operation only valid for busy blocks" },
            0x09: { meaning: "An invalid argument was passed to the heap" },
            0x0a: { meaning: "An invalid allocation type was detected" },
            0x0b: { meaning: "A corruption with the features of a use after free" },
            0x0c: { meaning: "The wrong heap was specified for the operation" },
            0x0d: { meaning: "A corrupt free list was detected" },
            0x0e: { meaning: "List corruption in a list other than the free list" },
            0x0f: { meaning: "A free block was passed to an operation only valid for busy blocks" },
            0x10: { meaning: "Invalid internal heap state, usually the result of a buffer overflow" },
            0x11: { meaning: "Invalid internal heap state, usually the result of a buffer overflow" },
            0x12: { meaning: "Invalid internal heap state, usually the result of a buffer overflow" },
            0x13: { meaning: "The heap API was passed a NULL heap handle" },
        },
        // MSD bug-check-0x139--kernel-security-check-failure, Parameter 1 table (0-11).
        0x139: {
            0x00: { meaning: "A stack-based buffer was overrun (legacy /GS violation)" },
            0x01: { meaning: "VTGuard detected an illegal virtual function table (a corrupted C++ object)" },
            0x02: { meaning: "The stack cookie check detected a stack-based buffer overrun (/GS violation)" },
            0x03: { meaning: "A LIST_ENTRY was corrupted (for example a double remove, or an overrun into the entry)" },
            // Reserved on Microsoft's page; the debugger names it (wbenny/hvpp #41, test/fixtures/analyze/analyze-hvpp41-x64-139.txt).
            0x04: { meaning: "The thread's stack pointer was outside the legal stack extents for the thread" },
            0x05: { meaning: "An invalid parameter was passed to a function that treats it as fatal" },
            0x06: { meaning: "The stack cookie was not initialized by the loader" },
            0x07: { meaning: "A fatal program exit was requested" },
            0x08: { meaning: "A compiler-inserted array bounds check failed" },
            0x09: { meaning: "RtlQueryRegistryValues with RTL_QUERY_REGISTRY_DIRECT and no type check on an untrusted hive" },
            0x0a: { meaning: "Control flow guard detected an invalid indirect call" },
            0x0b: { meaning: "Write guard detected an invalid memory write" },
        },
        // MSD bug-check-0x4e--pfn-list-corrupt, Parameter 1 values.
        0x4e: {
            0x01: { meaning: "The list head was corrupt", parameters: ["The ListHead value that was corrupt", "The number of pages available", "0"] },
            0x02: { meaning: "A list entry was corrupt", parameters: ["The entry in the list being removed", "The highest physical page number", "The reference count of the entry being removed"] },
            0x07: { meaning: "A driver unlocked a page more times than it locked it", parameters: ["The page frame number", "The current share count", "0"] },
            0x8f: { meaning: "The free or zeroed page listhead is corrupt", parameters: ["New page", "Old page", "0"] },
            0x99: { meaning: "A page table entry (PTE) or PFN is corrupt", parameters: ["Page frame number", "Current page state", "0"] },
            0x9a: { meaning: "A driver freed a page that is still locked for I/O (MmUnlockPages missing)", parameters: ["Page frame number", "Current page state", "The reference count of the entry being removed"] },
        },
        // MSD bug-check-0x19--bad-pool-header (MicrosoftDocs/windows-driver-docs, windows-driver-docs-pr/debugger/
        // bug-check-0x19--bad-pool-header.md at commit 06dca44b): every Parameter 1 the page lists.
        0x19: {
            0x02: { meaning: "The special pool pattern check failed: the owner probably corrupted the block", parameters: ["The pool entry being checked", "Size of the pool block", "0"] },
            0x03: { meaning: "The pool free list is corrupt (in a healthy list Arg2, Arg3 and Arg4 are equal)", parameters: ["The pool entry being checked", "Free list Flink read back", "Free list Blink read back"] },
            0x05: { meaning: "Two adjacent pool headers contradict each other: at least one is corrupt", parameters: ["One of the pool entries", "Reserved", "The other pool entry"] },
            0x06: { meaning: "A pool block header's previous size is too large", parameters: ["The entry calculated wrongly", "Reserved", "The bad entry that caused the miscalculation"] },
            0x07: { meaning: "A pool block header's size is corrupt", parameters: ["0", "Reserved", "The bad pool entry"] },
            0x08: { meaning: "A pool block header's size is zero", parameters: ["0", "Reserved", "The bad pool entry"] },
            0x09: { meaning: "A pool block header's size is corrupt (too large)", parameters: ["The entry calculated wrongly", "Reserved", "The bad entry that caused the miscalculation"] },
            0x0a: { meaning: "A pool block header's size is corrupt", parameters: ["The pool entry that should have been found", "Reserved", "Virtual address of the page that should have held it"] },
            0x0d: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
            0x0e: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
            0x0f: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
            0x20: { meaning: "A pool block header's size is corrupt", parameters: ["The pool entry that should have been found", "The next pool entry", "Reserved"] },
            0x21: { meaning: "The data after the pool block being freed is corrupt: its user overran it", parameters: ["The pool pointer being freed", "Number of bytes allocated for the block", "The corrupted value found after the block"] },
            0x22: { meaning: "A freed address has no tracking entry (freed twice, or never allocated)", parameters: ["The address being freed", "Reserved", "Reserved"] },
            0x23: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
            0x24: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
            0x25: { meaning: "A freed block's pool header was modified after the free (usually an overrun of the block before it)", parameters: ["Reserved", "Reserved", "Reserved"] },
        },
        // MSD bug-check-0x1a--memory-management (MicrosoftDocs/windows-driver-docs, windows-driver-docs-pr/debugger/
        // bug-check-0x1a--memory-management.md at commit 0122b7ff), every row; 0x3f, 0x404, 0x1236, 0x1240, 0x3300 from
        // the page as published today; 0x41790's meaning on 32-bit differs (Arg2 points at the used-PTE count).
        0x1a: {
            0x01: { meaning: "The fork clone block reference count is corrupt (checked builds only)" },
            0x31: { meaning: "An image's relocation fix-up table or code stream is corrupt; probably a hardware error" },
            0x3f: { meaning: "An in-page operation failed a CRC check", parameters: ["Page file offset", "CRC of the page", "Expected CRC"] },
            0x403: { meaning: "Page table and PFNs are out of sync; probably a hardware error, especially if Arg3 and Arg4 differ in one bit" },
            0x404: { meaning: "Deleting a system page found the PFN and the PTE pointer inconsistent", parameters: ["Expected PTE", "PTE contents", "PTE of the PFN"] },
            0x411: { meaning: "A PTE is corrupt", parameters: ["Address of the PTE", "Reserved", "Reserved"] },
            0x777: { meaning: "The caller unlocked a system cache address that is not locked (never mapped, or unlocked twice)" },
            0x778: { meaning: "The system is using the very last system cache view address instead of preserving it" },
            0x780: { meaning: "The PTEs mapping a system cache view are corrupt" },
            0x781: { meaning: "The PTEs mapping a system cache view are corrupt" },
            0x1000: { meaning: "MmGetSystemAddressForMdl* was refused mapping a cached page as non-cached, and the MDL asked for a bug check on failure" },
            0x1010: { meaning: "The caller unlocked a pageable section that is not locked" },
            0x1233: { meaning: "A driver mapped a physical page that is not locked", parameters: ["PFN the driver tried to map", "Reserved", "Reserved"] },
            0x1234: { meaning: "The caller locked a pageable section that does not exist" },
            0x1235: { meaning: "The caller protected an MDL with an invalid mapping" },
            0x1236: { meaning: "The caller passed an MDL with unlocked or invalid physical pages", parameters: ["MDL", "Pointer to the invalid PFN", "Invalid PFN value"] },
            0x1240: { meaning: "The caller built an MDL for a virtual range that is not resident", parameters: ["MDL", "PTE pointer", "Reserved"] },
            0x3300: { meaning: "A write touched an address wrongly marked copy-on-write", parameters: ["Faulting address", "PTE contents", "Reserved"] },
            0x3451: { meaning: "The PTEs of a swapped-out kernel thread stack are corrupt" },
            0x4477: { meaning: "A driver wrote to an unallocated user-space address of the System process", parameters: ["Address written", "Reserved", "Reserved"] },
            0x5003: { meaning: "The working set free list is corrupt; probably a hardware error" },
            0x5100: { meaning: "The allocation bitmap is corrupt: a virtual address in use was about to be reused" },
            0x5200: { meaning: "A page on a free pool SLIST is corrupt: a write after free or an overrun of the page before", parameters: ["Address of the free pool block", "Value found", "Value expected"] },
            0x8884: { meaning: "Two standby-list pages that should have the same page priority do not (Windows 7)", parameters: ["Reserved", "Reserved", "The differing priorities"] },
            0x8888: { meaning: "Memory manager structures are corrupt" },
            0x8889: { meaning: "Memory manager structures are corrupt" },
            0x888a: { meaning: "Memory manager structures (likely a PTE or PFN) are corrupt" },
            0x41283: { meaning: "The working set index encoded in a PTE is corrupt" },
            0x41284: { meaning: "A PTE or the working set list is corrupt" },
            0x41286: { meaning: "The caller freed an invalid pool address" },
            0x41287: { meaning: "An illegal page fault while holding working set synchronization", parameters: ["Referenced virtual address", "Reserved", "Reserved"] },
            0x41785: { meaning: "The working set list is corrupt" },
            0x41790: { meaning: "A page table page is corrupt", parameters: ["x64: address of the PFN of the page table page; x86: pointer to the used-PTE count", "x86: the used-PTE count", "Reserved"] },
            0x41792: { meaning: "A corrupt PTE was detected", parameters: ["Address of the PTE", "Low part of the PTE", "High part of the PTE"] },
            0x61940: { meaning: "A PDE was invalidated unexpectedly" },
            0x61941: { meaning: "The paging hierarchy is corrupt", parameters: ["Pointer to the virtual address that caused the fault", "Reserved", "Reserved"] },
            0x61946: { meaning: "A flawed MDL is being built: almost always the driver calling MmProbeAndLockPages (a write MDL for a paging read)" },
            0x61949: { meaning: "The IoPageFrameNode is null", parameters: ["PageFrameIndex", "Reserved", "Reserved"] },
            0x03030303: { meaning: "The boot loader is broken (Itanium only)" },
            0x03030308: { meaning: "A range to remove is in use by the loader", parameters: ["HighestPhysicalPage", "Reserved", "Reserved"] },
        },
    };
    const NTSTATUS = {
        0xc0000005: { name: "STATUS_ACCESS_VIOLATION", meaning: "access violation", storageAdvice: null },
        0xc0000006: { name: "STATUS_IN_PAGE_ERROR", meaning: "in-page I/O error", storageAdvice: null },
        // Exception codes of the exception bugchecks (ntstatus.h names; MSD 0x7E lists the first three as the common ones).
        0x80000002: { name: "STATUS_DATATYPE_MISALIGNMENT", meaning: "misaligned data reference", storageAdvice: null },
        0x80000003: { name: "STATUS_BREAKPOINT", meaning: "breakpoint or assertion hit with no debugger attached", storageAdvice: null },
        0x80000004: { name: "STATUS_SINGLE_STEP", meaning: "single step", storageAdvice: null },
        0xc0000008: { name: "STATUS_INVALID_HANDLE", meaning: "invalid handle", storageAdvice: null },
        0xc000001d: { name: "STATUS_ILLEGAL_INSTRUCTION", meaning: "illegal instruction", storageAdvice: null },
        0xc0000094: { name: "STATUS_INTEGER_DIVIDE_BY_ZERO", meaning: "integer divide by zero", storageAdvice: null },
        0xc0000096: { name: "STATUS_PRIVILEGED_INSTRUCTION", meaning: "privileged instruction", storageAdvice: null },
        0xc00000fd: { name: "STATUS_STACK_OVERFLOW", meaning: "stack overflow", storageAdvice: null },
        0xc0000374: { name: "STATUS_HEAP_CORRUPTION", meaning: "heap corruption", storageAdvice: null },
        0xc0000409: { name: "STATUS_STACK_BUFFER_OVERRUN", meaning: "stack buffer overrun or fast fail", storageAdvice: null },
        0xc0000420: { name: "STATUS_ASSERTION_FAILURE", meaning: "assertion failure", storageAdvice: null },
        0xc000000e: { name: "STATUS_NO_SUCH_DEVICE", meaning: "no such device", storageAdvice: "a hardware failure or a wrong drive configuration: check the drive and its configuration" },
        0xc000009a: { name: "STATUS_INSUFFICIENT_RESOURCES", meaning: "insufficient resources", storageAdvice: "the system ran out of resources (nonpaged pool, PTEs); look for a leak before suspecting the disk" },
        0xc000009c: { name: "STATUS_DEVICE_DATA_ERROR", meaning: "device data error", storageAdvice: "bad blocks on the disk: check the disk (chkdsk /r) and its SMART data" },
        0xc000009d: { name: "STATUS_DEVICE_NOT_CONNECTED", meaning: "device not connected", storageAdvice: "the controller cannot see the disk: check the cabling and the controller" },
        0xc000016a: { name: "STATUS_DISK_OPERATION_FAILED", meaning: "disk operation failed", storageAdvice: "check the disk" },
        0xc0000185: { name: "STATUS_IO_DEVICE_ERROR", meaning: "device I/O error", storageAdvice: "check the disk and its controller" },
    };
    function statusText(status) {
        const info = NTSTATUS[status];
        const hex = ("00000000" + status.toString(16)).slice(-8);
        return info ? hex + " " + info.name + " (" + info.meaning + ")" : hex + " (an NTSTATUS leaktools does not name)";
    }

    /** The guard page an overflowing x64 kernel stack runs into lies right below StackLimit (one 4 KB page). */
    const STACK_GUARD = 0x1000;
    /** The NULL page: Windows never maps the first 64 KB (MmLowestUserAddress is 0x10000). */
    const NULL_REGION = 0x10000;
    /** x64 kernel stacks are KERNEL_STACK_SIZE = 0x6000 (ntddk.h); up to it on either side of rsp is this thread's stack. */
    const STACK_WINDOW = 0x6000;
    function classifyAddress(address, facts) {
        const is64 = facts.pointerSize === 8;
        if (address.hi === 0 && address.lo < NULL_REGION) {
            return { kind: "null", text: "a NULL pointer" + (address.lo ? " +0x" + address.lo.toString(16) : "") + ": the first 64 KB are never mapped" };
        }
        if (is64 ? address.hi === 0xffffffff && address.lo === 0xffffffff : address.hi === 0 && address.lo === 0xffffffff) {
            return { kind: "minus-one", text: "an invalid address: -1, an uninitialised or poisoned pointer" };
        }
        // x64 canonical addresses: bits 63..47 all equal (48-bit virtual addresses; LA57 extends it, and then such an
        // address is canonical only on a 5-level paging machine, which the message allows for).
        if (is64 && address.hi >= 0x8000 && address.hi < 0xffff8000) {
            return { kind: "non-canonical", text: "a non-canonical address (no valid pointer looks like this: garbage or a corrupted pointer)" };
        }
        if (facts.freedSpecialPool)
            return { kind: "freed-special-pool", text: "freed special pool (a use after free, caught)" };
        if (facts.beyondSpecialPool)
            return { kind: "beyond-special-pool", text: "just past the end of a special pool allocation (an overrun, caught)" };
        const userTop = is64 ? address.hi < 0x8000 : address.lo < 0x80000000;
        if (userTop)
            return { kind: "user", text: "user space (a kernel reference to a user address, or a user pointer used without probing)" };
        for (const m of facts.modules) {
            const offset = address.distanceFrom(m.base);
            if (offset !== null && offset < m.size)
                return { kind: "module", text: "inside " + m.fileName + " (" + m.name + "+0x" + offset.toString(16) + ")" };
        }
        for (const u of facts.unloaded) {
            if (address.compare(u.start) >= 0 && address.compare(u.end) < 0) {
                return { kind: "unloaded-module", text: "inside the range " + u.name + " occupied before it was unloaded (code or data of an unloaded driver)" };
            }
        }
        if (facts.threadStack) {
            const { limit, base } = facts.threadStack;
            if (address.compare(limit) >= 0 && address.compare(base) < 0) {
                const fromTop = base.distanceFrom(address);
                return { kind: "stack", text: "the crashing thread's kernel stack (0x" + (fromTop || 0).toString(16) + " below its StackBase)" };
            }
            const under = limit.distanceFrom(address);
            if (under !== null && under > 0 && under <= STACK_GUARD) {
                return { kind: "stack-overflow", text: "just below the crashing thread's stack (0x" + under.toString(16) + " under its StackLimit, the guard page): most likely a kernel stack overflow" };
            }
        }
        if (facts.stackPointer) {
            const above = address.distanceFrom(facts.stackPointer);
            const below = facts.stackPointer.distanceFrom(address);
            if ((above !== null && above < STACK_WINDOW) || (below !== null && below < STACK_WINDOW)) {
                return { kind: "stack", text: "this thread's kernel stack (near rsp)" };
            }
        }
        return { kind: "kernel", text: "a kernel address outside every module: pool or another mapping" };
    }
    /** The verdict's words for a pool place: what the address is and, for a busy block, whose tag it carries. */
    function describePoolPlace(place, format, sizeText) {
        const by = (owner) => (owner ? ", allocated by " + owner : "");
        switch (place.kind) {
            case "big":
                return {
                    kind: "big-pool",
                    text: "+0x" + place.offset.toString(16) + " into a " + place.pool + " big pool allocation at " + format(place.address) + " of " + sizeText(place.size) + ", tag '" + place.tag + "'" + by(place.owner),
                };
            case "block":
                return {
                    kind: "pool-block",
                    block: { header: place.header, size: place.size },
                    text: offsetWords(place.offset) + " the pool header at " + format(place.header) + ", a busy block of " + sizeText(place.size) + ", tag '" + place.tag + "'" + by(place.owner),
                };
            case "free-block":
                // The old pool keeps a freed block's header, tag included: the tag of whoever freed it last.
                return {
                    kind: "pool-free",
                    block: { header: place.header, size: place.size },
                    text: offsetWords(place.offset) + " the pool header at " + format(place.header) + ", a FREE block of " + sizeText(place.size) + " (last tag '" + place.tag + "'): a use after free",
                };
            case "unused":
                return {
                    kind: "pool-free",
                    text: "pool in no busy block of the subsegment at " + format(place.subsegment) + ": freed or never-allocated pool (a use after free, or a stale pointer)",
                };
        }
    }
    /** "+0x18 from": an offset from a pool header; a negative one is the segment heap's chunk header in front of it. */
    function offsetWords(offset) {
        return offset >= 0 ? "+0x" + offset.toString(16) + " from" : "in the chunk header 0x" + (-offset).toString(16) + " bytes before";
    }

    /** The used slots of the array: an entry with a null range or an end below its start is an empty or corrupt slot. */
    function decodeUnloadedDrivers(bytes, count, layout, pointerSize) {
        const o = layout.offsets;
        const out = [];
        for (let i = 0; i < count; i++) {
            const at = i * layout.size;
            if (at + layout.size > bytes.length)
                break;
            const start = pointer(bytes, at + o.StartAddress, pointerSize);
            const end = pointer(bytes, at + o.EndAddress, pointerSize);
            if (start.isNull || end.compare(start) <= 0)
                continue;
            const time = at + o.CurrentTime;
            out.push({
                nameBuffer: pointer(bytes, at + o.Name + pointerSize, pointerSize),
                nameLength: u16(bytes, at + o.Name),
                start,
                end,
                timeLow: u32(bytes, time),
                timeHigh: u32(bytes, time + 4),
            });
        }
        return out;
    }
    /** The slot whose [start, end) holds the address, or null. */
    function unloadedSlotContaining(slots, address) {
        for (const s of slots)
            if (address.compare(s.start) >= 0 && address.compare(s.end) < 0)
                return s;
        return null;
    }
    /** A driver name read from the target: printable ASCII only, so it can be shown (never executed). */
    function driverNameFromUtf16(bytes) {
        let text = "";
        for (let i = 0; i + 1 < bytes.length; i += 2) {
            const c = bytes[i] | (bytes[i + 1] << 8);
            if (c === 0)
                break;
            text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : "?";
        }
        return text.replace(/^.*\\/, "");
    }

    /** nt!ExPoolState: the pool's heap manager state, one _EX_HEAP_POOL_NODE per NUMA node, and three (up to 1909) or four special heaps. */
    const EX_POOL_HEAP_MANAGER_STATE = {
        module: "nt",
        typeName: "_EX_POOL_HEAP_MANAGER_STATE",
        fields: ["NumberOfPools", "PoolNode", "SpecialHeaps"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x86140, offsets: { NumberOfPools: 0x30c8, PoolNode: 0x3100, SpecialHeaps: 0x86100 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 24 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x86940, offsets: { NumberOfPools: 0x38d0, PoolNode: 0x3900, SpecialHeaps: 0x86900 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 24 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x86940, offsets: { NumberOfPools: 0x38d0, PoolNode: 0x3900, SpecialHeaps: 0x86900 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 32 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x86940, offsets: { NumberOfPools: 0x38e0, PoolNode: 0x3900, SpecialHeaps: 0x86900 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 32 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x86940, offsets: { NumberOfPools: 0x38e0, PoolNode: 0x3900, SpecialHeaps: 0x86900 }, sizes: { NumberOfPools: 4, PoolNode: 536576, SpecialHeaps: 32 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** One pool node: its segment heaps (Heaps[4]). */
    const EX_HEAP_POOL_NODE = {
        module: "nt",
        typeName: "_EX_HEAP_POOL_NODE",
        fields: ["Heaps"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x20c0, offsets: { Heaps: 0x0 }, sizes: { Heaps: 32 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** nt!RtlpHpHeapGlobals: the keys the segment heap encodes its metadata with. */
    const RTLP_HP_HEAP_GLOBALS = {
        module: "nt",
        typeName: "_RTLP_HP_HEAP_GLOBALS",
        fields: ["HeapKey", "LfhKey"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x38, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x38, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x38, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x40, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x40, offsets: { HeapKey: 0x0, LfhKey: 0x8 }, sizes: { HeapKey: 8, LfhKey: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** A segment heap: its two segment contexts (1 MB and 16 MB segments). */
    const SEGMENT_HEAP = {
        module: "nt",
        typeName: "_SEGMENT_HEAP",
        fields: ["SegContexts"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x800, offsets: { SegContexts: 0x100 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x800, offsets: { SegContexts: 0x100 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x800, offsets: { SegContexts: 0x100 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x840, offsets: { SegContexts: 0x140 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x840, offsets: { SegContexts: 0x140 }, sizes: { SegContexts: 384 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** A segment context: the list of its page segments and their unit size. */
    const HEAP_SEG_CONTEXT = {
        module: "nt",
        typeName: "_HEAP_SEG_CONTEXT",
        fields: ["SegmentMask", "UnitShift", "FirstDescriptorIndex", "SegmentListHead", "SegmentCount"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0xc0, offsets: { SegmentMask: 0x0, UnitShift: 0x8, FirstDescriptorIndex: 0xa, SegmentListHead: 0x48, SegmentCount: 0x58 }, sizes: { SegmentMask: 8, UnitShift: 1, FirstDescriptorIndex: 1, SegmentListHead: 16, SegmentCount: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** A page segment: list links, encoded signature, then 256 range descriptors (DescArray). */
    const HEAP_PAGE_SEGMENT = {
        module: "nt",
        typeName: "_HEAP_PAGE_SEGMENT",
        fields: ["ListEntry", "Signature"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x2000, offsets: { ListEntry: 0x0, Signature: 0x10 }, sizes: { ListEntry: 16, Signature: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** One unit of a page segment. */
    const HEAP_PAGE_RANGE_DESCRIPTOR = {
        module: "nt",
        typeName: "_HEAP_PAGE_RANGE_DESCRIPTOR",
        fields: ["RangeFlags", "UnitSize"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x20, offsets: { RangeFlags: 0x18, UnitSize: 0x1f }, sizes: { RangeFlags: 1, UnitSize: 1 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** A variable-size subsegment; chunks follow it. */
    const HEAP_VS_SUBSEGMENT = {
        module: "nt",
        typeName: "_HEAP_VS_SUBSEGMENT",
        fields: ["Size", "Signature"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x28, offsets: { Size: 0x20, Signature: 0x22 }, sizes: { Size: 2, Signature: 2 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** The encoded header in front of each VS chunk. */
    const HEAP_VS_CHUNK_HEADER = {
        module: "nt",
        typeName: "_HEAP_VS_CHUNK_HEADER",
        fields: ["Sizes"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x10, offsets: { Sizes: 0x0 }, sizes: { Sizes: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** An LFH subsegment: encoded block size and first block offset, 2-bit-per-block bitmap. */
    const HEAP_LFH_SUBSEGMENT = {
        module: "nt",
        typeName: "_HEAP_LFH_SUBSEGMENT",
        fields: ["BlockCount", "BlockOffsets", "BlockBitmap"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x38, offsets: { BlockCount: 0x22, BlockOffsets: 0x28, BlockBitmap: 0x30 }, sizes: { BlockCount: 2, BlockOffsets: 4, BlockBitmap: 8 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** The pool header in front of every small block. */
    const POOL_HEADER_X64 = {
        module: "nt",
        typeName: "_POOL_HEADER",
        fields: ["BlockSize", "PoolTag"],
        variants: [
            { label: "Windows 10 1809 and Server 2019 x64", pointerSize: 8, minBuild: 17763, maxBuild: 17763, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb 8B11040A (10.0.17763.379)", checkedAgainst: [17763] },
            { label: "Windows 10 1903-1909 x64", pointerSize: 8, minBuild: 18326, maxBuild: 18363, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb DCA4AD4B (10.0.18362.836)", checkedAgainst: [18326, 18362] },
            { label: "Windows 10 2004-22H2 x64", pointerSize: 8, minBuild: 19041, maxBuild: 19045, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb BBED7C29 (10.0.19041.329)", checkedAgainst: [19041] },
            { label: "Windows Server 2022 x64", pointerSize: 8, minBuild: 20348, maxBuild: 20348, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb C2EADB24 (10.0.20348.288)", checkedAgainst: [20348] },
            { label: "Windows 11 21H2 x64", pointerSize: 8, minBuild: 22000, maxBuild: 22000, size: 0x10, offsets: { BlockSize: 0x2, PoolTag: 0x4 }, sizes: { BlockSize: 2, PoolTag: 4 }, source: "ntkrnlmp.pdb 32C1A669 (10.0.22000.318)", checkedAgainst: [22000] },
        ],
    };
    /** Built-in layouts of the walk, in the order it reads them. */
    const SEGMENT_HEAP_LAYOUTS = {
        state: EX_POOL_HEAP_MANAGER_STATE,
        node: EX_HEAP_POOL_NODE,
        globals: RTLP_HP_HEAP_GLOBALS,
        heap: SEGMENT_HEAP,
        segContext: HEAP_SEG_CONTEXT,
        pageSegment: HEAP_PAGE_SEGMENT,
        descriptor: HEAP_PAGE_RANGE_DESCRIPTOR,
        vsSubsegment: HEAP_VS_SUBSEGMENT,
        vsChunk: HEAP_VS_CHUNK_HEADER,
        lfhSubsegment: HEAP_LFH_SUBSEGMENT,
        poolHeader: POOL_HEADER_X64,
    };

    /** The 4 KB pool pages the old pool uses for small blocks (PAGE_SIZE). */
    const POOL_PAGE = 0x1000;
    /**
     * Walks a small-block pool page's header chain from its first header. Stops at a header whose BlockSize is 0, runs
     * past the page, or whose PreviousSize disagrees with the block before (the check ExFreePool makes, 0x19/0x5):
     * that header is where the chain broke.
     */
    function walkPoolPage(bytes, pageBase, pointerSize) {
        const field = poolBlockSizeField(pointerSize);
        const headerSize = pointerSize === 8 ? 16 : 8;
        const entries = [];
        let offset = 0;
        let previousUnits = 0;
        while (offset + headerSize <= bytes.length) {
            const first = u32(bytes, offset);
            const units = (first >>> field.shift) & ((1 << field.bits) - 1);
            const previous = first & ((1 << (pointerSize === 8 ? 8 : 9)) - 1);
            // PoolType sits above BlockSize: bits 24-31 on x64, 25-31 on x86 (layouts.md §2.4); 0 is a free block.
            const poolType = pointerSize === 8 ? first >>> 24 : first >>> 25;
            const size = units * field.unit;
            if (units === 0 || offset + size > bytes.length || previous !== previousUnits)
                return { entries, brokenAt: pageBase.add(offset) };
            entries.push({ header: pageBase.add(offset), size, tag: asciiz(bytes, offset + 4, 4), busy: poolType !== 0, previousSize: previous * field.unit });
            previousUnits = units;
            offset += size;
        }
        return { entries, brokenAt: null };
    }
    /** The entry holding `address` (from its header to the next), the one before it, in address order. */
    function neighboursOf(entries, address, headerSlack = 0) {
        let before = null;
        for (const e of entries) {
            const start = e.header.subtract(headerSlack);
            if (address.compare(start) < 0)
                break;
            const offset = address.distanceFrom(start);
            if (offset !== null && offset < e.size + headerSlack)
                return { containing: e, before };
            before = e;
        }
        return { containing: null, before };
    }
    /** Build 17763 (Windows 10 1809) moved the kernel pools to the segment heap. */
    const SEGMENT_HEAP_POOL_BUILD$1 = 17763;
    /** A VS chunk header (_HEAP_VS_CHUNK_HEADER, 0x10 bytes) comes before the pool header: an address there is that block's. */
    const VS_CHUNK_HEADER = 0x10;
    /** The neighbour lookup walks one subsegment; its metadata walk may still have many segments to list. */
    const MAX_SEGMENTS = 0x10000;
    /** Whether the kernel's small-block pools are the segment heap (x64 from 1809), where `!pool` fails on a block. */
    function poolIsSegmentHeap(target) {
        const build = target.windowsBuild();
        return target.pointerSize === 8 && (build === null ? !!target.symbolAddress("nt", "ExPoolState") : build >= SEGMENT_HEAP_POOL_BUILD$1);
    }
    function lookupPoolNeighbours(target, address) {
        return poolIsSegmentHeap(target) ? segmentHeapNeighbours(target, address, target.windowsBuild()) : poolPageNeighbours(target, address);
    }
    function poolPageNeighbours(target, address) {
        const page = address.alignDown(POOL_PAGE);
        const bytes = target.memory.read(page, POOL_PAGE, "pool page");
        if (bytes instanceof Unreadable)
            return { method: "pool page", containing: null, before: null, chainBrokenAt: null, problems: [bytes.describe(target.pointerSize)] };
        const walk = walkPoolPage(bytes, page, target.pointerSize);
        const found = neighboursOf(walk.entries, address);
        const last = walk.entries[walk.entries.length - 1];
        const chainComplete = walk.brokenAt === null && !!last && last.header.add(last.size).distanceFrom(page) === POOL_PAGE;
        return { method: "pool page", containing: found.containing, before: found.before, chainBrokenAt: walk.brokenAt, problems: [], chainComplete };
    }
    function segmentHeapNeighbours(target, address, build) {
        const none = (why) => ({ method: "segment heap", containing: null, before: null, chainBrokenAt: null, problems: [why] });
        const layouts = {};
        let builtIn = null;
        for (const name of Object.keys(SEGMENT_HEAP_LAYOUTS)) {
            const l = resolveLayout(SEGMENT_HEAP_LAYOUTS[name], (m, t) => target.type(m, t), 8, build);
            if (isLayoutMissing(l))
                return none("no layout for nt!" + l.typeName + ": " + l.reason);
            if (l.origin === "built-in" && !builtIn)
                builtIn = l;
            layouts[name] = l;
        }
        const all = layouts;
        const result = (containing, before, problems, subsegment = null) => ({
            method: "segment heap",
            subsegment,
            containing,
            before,
            chainBrokenAt: null,
            problems: build === null ? ["the Windows build is unknown (no nt!NtBuildNumber, NtBuildLab or vertarget answer), so the segment-heap layout is a guess"].concat(problems) : problems,
            layout: builtIn,
        });
        const stateAt = target.symbolAddress("nt", "ExPoolState");
        const globalsAt = target.symbolAddress("nt", "RtlpHpHeapGlobals");
        if (!stateAt || !globalsAt)
            return none("the symbol nt!" + (stateAt ? "RtlpHpHeapGlobals" : "ExPoolState") + " was not found (.symfix; .reload /f nt)");
        const g = all.globals.offsets;
        const keyBytes = target.memory.read(globalsAt, Math.max(g.HeapKey, g.LfhKey) + 8, "nt!RtlpHpHeapGlobals");
        if (keyBytes instanceof Unreadable)
            return none(keyBytes.describe(8));
        const keys = decodeKeys(keyBytes, all.globals);
        const reader = {
            read: (a, size, what) => target.memory.read(a, size, what, false),
            readPartial: (a, size) => target.memory.readPartial(a, size),
            format: (a) => target.formatAddress(a),
        };
        const problems = [];
        const heaps = readPoolHeaps(reader, stateAt, all, problems);
        if (!heaps)
            return result(null, null, problems);
        const buildEncoding = encodingOfBuild(build);
        const meta = walkSegmentMetadata(reader, heaps, keys.heapKey, all, MAX_SEGMENTS, buildEncoding);
        const sub = meta.subsegments.filter((s) => address.isWithin(s.address, s.size));
        if (sub.length === 0)
            return result(null, null, problems.concat(meta.problems, ["no pool subsegment holds " + target.formatAddress(address) + " (a big allocation, or not pool)"]));
        const every = parseTagPattern("*");
        const walk = walkSubsegments(reader, sub, { heapKey: keys.heapKey, lfhKeyLow: keys.lfhKeyLow, encoding: meta.encoding || buildEncoding }, all, { pattern: every, stopAfter: null, maxBytes: sub[0].size });
        const blocks = walk.blocks
            .map((b) => ({ header: b.header, size: b.size, tag: b.tag, busy: true }))
            .sort((a, b) => a.header.compare(b.header));
        const found = neighboursOf(blocks, address, sub[0].kind === "VS" ? VS_CHUNK_HEADER : 0);
        return result(found.containing, found.before, problems.concat(meta.problems, walk.problems), sub[0].address);
    }

    // User mode (a process dump, or a live process stopped on an exception): the exception the debugger reports, from
    // `.exr -1`, decoded as the kernel's exception bugchecks are. `.exr` output (real outputs in
    // test/fixtures/triage/exr-*.txt, x64 and x86):
    //   ExceptionAddress: 00007ff7e8b57919 (test_symbol!main+0x0000000000000049)
    //      ExceptionCode: c0000005 (Access violation)
    //     ExceptionFlags: 00000000
    //   NumberParameters: 2
    //      Parameter[0]: 0000000000000001
    //      Parameter[1]: 0000000000000000
    //   Attempt to write to address 0000000000000000
    // The first lines may carry a prefix (`EXCEPTION_RECORD:  (.exr -1)` in !analyze); lines are matched one by one.
    const ADDRESS = /^\s*ExceptionAddress:\s+([0-9a-fA-F`]+)(?:\s+\((.*)\))?\s*$/;
    const CODE = /^\s*ExceptionCode:\s+([0-9a-fA-F]{1,8})(?:\s+\((.*)\))?\s*$/;
    const FLAGS = /^\s*ExceptionFlags:\s+([0-9a-fA-F]{1,8})\s*$/;
    const COUNT = /^\s*NumberParameters:\s+(\d+)\s*$/;
    const PARAMETER = /^\s*Parameter\[(\d+)\]:\s+([0-9a-fA-F`]+)\s*$/;
    /** The first exception record in `.exr` output, or null when its ExceptionAddress and ExceptionCode lines are missing. */
    function parseExr(lines) {
        let address = null;
        let symbol = null;
        let code = null;
        let codeText = null;
        let flags = 0;
        let count = 0;
        const parameters = [];
        for (const raw of lines) {
            const line = raw.replace(/\r$/, "");
            const a = ADDRESS.exec(line);
            if (a) {
                if (address)
                    break; // a second record (.exr of a chained record): the first one is the answer
                address = Address.parse(a[1]);
                symbol = a[2] ? a[2].slice(0, 256) : null;
                continue;
            }
            const c = CODE.exec(line);
            if (c) {
                code = parseInt(c[1], 16);
                codeText = c[2] ? c[2].slice(0, 128) : null;
                continue;
            }
            const f = FLAGS.exec(line);
            if (f)
                flags = parseInt(f[1], 16);
            const n = COUNT.exec(line);
            if (n)
                count = Math.min(parseInt(n[1], 10), EXCEPTION_MAXIMUM_PARAMETERS);
            const p = PARAMETER.exec(line);
            if (p) {
                const index = parseInt(p[1], 10);
                const value = Address.parse(p[2]);
                if (value && index === parameters.length && index < EXCEPTION_MAXIMUM_PARAMETERS)
                    parameters.push(value);
            }
        }
        if (!address || code === null)
            return null;
        return { address, symbol, code, codeText, flags, parameters: parameters.slice(0, Math.max(count, 0)) };
    }
    /** The access of an access violation (EXCEPTION_RECORD documentation: [0] 0 read, 1 write, 8 DEP), and the address. */
    function accessOf(e) {
        if ((e.code !== 0xc0000005 && e.code !== 0xc0000006) || e.parameters.length < 2)
            return null;
        const k = e.parameters[0];
        const access = k.hi !== 0 ? null : k.lo === 0 ? "read" : k.lo === 1 ? "write" : k.lo === 8 ? "execute" : null;
        return { access, address: e.parameters[1] };
    }
    /** `test_symbol!main+0x49`: the debugger pads offsets to the pointer's width in `.exr`; shorter as `k` prints them. */
    function shortSymbol(symbol) {
        return symbol.replace(/\+0x0*([0-9a-f]+)$/i, "+0x$1");
    }

    /** Bytes past a block's user data still counted as "that block's": the unused tail and the next block's header. */
    const TAIL_SLACK = 0x20;
    function hit(b, busy, address) {
        const offset = address.distanceFrom(b.address);
        return {
            busy,
            address: b.address,
            size: b.size,
            heap: b.heap,
            kind: b.kind,
            stackRecord: busy ? b.stackRecord : null,
            offset: offset === null ? 0 : offset,
        };
    }
    /**
     * The busy or free block whose data holds `address` (a busy block first: a use of its own data), else the block
     * whose data ends within TAIL_SLACK before it (an overrun past the end lands in the slack and the next header), and
     * the nearest block that ends at or before the containing one starts.
     */
    function blockContaining(walk, address) {
        const all = [];
        for (const b of walk.blocks)
            all.push({ b, busy: true });
        for (const b of walk.free)
            all.push({ b, busy: false });
        all.sort((x, y) => x.b.address.compare(y.b.address) || (x.busy === y.busy ? 0 : x.busy ? -1 : 1));
        let containing = null;
        for (const e of all) {
            const offset = address.distanceFrom(e.b.address);
            if (offset !== null && offset < Math.max(1, e.b.size)) {
                containing = e;
                break;
            }
        }
        if (!containing) {
            for (const e of all) {
                const offset = address.distanceFrom(e.b.address);
                if (offset !== null && offset < e.b.size + TAIL_SLACK)
                    containing = e;
            }
        }
        const start = containing ? containing.b.address : address;
        let before = null;
        for (const e of all) {
            if (containing && e === containing)
                continue;
            if (e.b.address.compare(start) >= 0)
                continue;
            if (containing && !e.b.heap.equals(containing.b.heap))
                continue;
            if (!before || e.b.address.compare(before.b.address) > 0)
                before = e;
        }
        return {
            containing: containing ? hit(containing.b, containing.busy, address) : null,
            before: before ? hit(before.b, before.busy, address) : null,
        };
    }
    /** The lines !crashtriage prints for a user-mode fault address. */
    function renderHeapLookup(lookup, address, format) {
        const lines = [];
        const c = lookup.containing;
        if (!c)
            lines.push(address + " is in no heap block the walk saw (not heap memory, or a part the walk could not read).");
        else {
            const where = c.offset < c.size ? "+0x" + c.offset.toString(16) + " into" : "0x" + (c.offset - c.size).toString(16) + " bytes past the end of";
            lines.push(address + " is " + where + " a " + (c.busy ? "busy" : "FREE") + " " + c.kind + " block at " + format(c.address) + " of " + sizeText(c.size) +
                " (heap " + format(c.heap) + ")" + (c.busy ? "" : ": a use after free") + (c.busy && c.offset >= c.size ? ": an overrun of that block" : "") + ".");
            if (c.stackRecord)
                lines.push("  Allocated by the stack at " + format(c.stackRecord) + " (+ust; dt ntdll!_RTL_STACK_TRACE_ENTRY " + format(c.stackRecord) + ").");
        }
        const b = lookup.before;
        if (b) {
            lines.push("The block before it: " + (b.busy ? "busy" : "free") + " " + b.kind + " block at " + format(b.address) + " of " + sizeText(b.size) +
                (b.busy ? " (an overrun of it would reach this address)" : "") + ".");
            if (b.stackRecord)
                lines.push("  Allocated by the stack at " + format(b.stackRecord) + " (+ust).");
        }
        return lines;
    }

    // Pure decoders of NT heap block headers (_HEAP_ENTRY) over bytes already read: the encoded 8 bytes and their
    // checksum, the unused-byte count with its escapes, and the +ust header. No host, no Address arithmetic: offsets into
    // a buffer. Sources: research/userheap-facts.md §2.1-2.4, §3.3, §4.3, §10.7, §10.8, §10.12; each rule is held against
    // the public walkers in test/unit/heap/nt-heap-entry.test.ts.
    /** _HEAP_ENTRY.Flags (ReactOS heap.h; HeapStat, DbgHelpUtils use the same values). */
    const ENTRY_BUSY = 0x01;
    /** On a segment block: a heap-internal block (LFH UserBlocks, LFH zones, other metadata; `!heap` shows "Internal"). */
    const ENTRY_INTERNAL = 0x08;
    const ENTRY_LAST = 0x10;
    /** _HEAP_ENTRY.UnusedBytes markers (§2.4): LFH block, extended header follows, unused count stored at the block end. */
    const UNUSED_LFH = 0x80;
    const UNUSED_EXTENDED = 0x40;
    const UNUSED_ESCAPE = 0x3f;
    /** _HEAP_EXTENDED_ENTRY.ExtendedBlockSignature (§2.4: UnusedBytes == 5 marks an extended header). */
    const EXTENDED_SIGNATURE = 5;
    /**
     * Decodes the _HEAP_ENTRY at `at` in `bytes`. x64 keys the 8 bytes at +8, x86 those at +0 (§2.3: NTO, MPF, HS
     * XOR exactly these 8 bytes; DbgHelpUtils XORs all 16 on x64, whose first 8 key bytes are zero in practice).
     * With a key: the decoded reading when its checksum holds, else the raw one when that holds (ntdll decodes only
     * headers whose raw DWORD & EncodeFlagMask is set, §2.3 X: either reading is right this way), else the decoded one
     * marked failed. Without a key (EncodeFlagMask clear) SmallTagIndex is a tag index and there is no checksum.
     */
    function decodeEntry(bytes, at, pointerSize, key) {
        const o = pointerSize === 8 ? at + 8 : at;
        const b0 = bytes[o], b1 = bytes[o + 1], b2 = bytes[o + 2], b3 = bytes[o + 3];
        const segmentOffset = bytes[o + 6];
        const unusedBytes = bytes[o + 7];
        if (!key) {
            return { size: b0 | (b1 << 8), flags: b2, smallTagIndex: b3, previousSize: bytes[o + 4] | (bytes[o + 5] << 8), segmentOffset, unusedBytes, checksumOk: true, reading: "plain" };
        }
        const d0 = b0 ^ key[0], d1 = b1 ^ key[1], d2 = b2 ^ key[2], d3 = b3 ^ key[3];
        if ((d0 ^ d1 ^ d2) === d3) {
            const previousSize = (bytes[o + 4] ^ key[4]) | ((bytes[o + 5] ^ key[5]) << 8);
            return { size: d0 | (d1 << 8), flags: d2, smallTagIndex: d3, previousSize, segmentOffset, unusedBytes, checksumOk: true, reading: "decoded" };
        }
        if ((b0 ^ b1 ^ b2) === b3 && (b0 | b1) !== 0) {
            return { size: b0 | (b1 << 8), flags: b2, smallTagIndex: b3, previousSize: bytes[o + 4] | (bytes[o + 5] << 8), segmentOffset, unusedBytes, checksumOk: true, reading: "raw" };
        }
        const previousSize = (bytes[o + 4] ^ key[4]) | ((bytes[o + 5] ^ key[5]) << 8);
        return { size: d0 | (d1 << 8), flags: d2, smallTagIndex: d3, previousSize, segmentOffset, unusedBytes, checksumOk: false, reading: "decoded" };
    }
    /**
     * The extended header of the block whose header is at `entry`: at entry + gran * (UnusedBytes & 0x3F), with
     * ExtendedBlockSignature 5 and EntryOffset pointing back to the header (DEC RtlpSetupExtendedBlock; DbgHelpUtils
     * matches {FunctionIndex 1, ContextValue 0, *, EntryOffset 2 | sig 5 << 8} at entry+0x28 x64 / +0x10 x86, the same
     * bytes for the +ust prefix). Null when the marker is absent or the header does not check out. `end` bounds what
     * may be read (the block's end inside the buffer).
     */
    function extendedHeader(bytes, entry, unusedBytes, pointerSize, end) {
        if ((unusedBytes & UNUSED_EXTENDED) === 0)
            return null;
        const gran = pointerSize * 2;
        const granules = unusedBytes & 0x3f;
        if (granules === 0 || granules === 0x3f)
            return null;
        const at = entry + granules * gran;
        if (at + gran > end || at + gran > bytes.length)
            return null;
        // x64: InterceptorValue +8 (FunctionIndex u16 +8), UnusedBytesLength +0xC, EntryOffset +0xE, signature +0xF;
        // x86: the same fields from +0 (§2.1).
        const f = pointerSize === 8 ? at + 8 : at;
        if (bytes[f + 7] !== EXTENDED_SIGNATURE)
            return null;
        if (bytes[f + 6] !== granules)
            return null;
        return { at, unusedBytesLength: u16(bytes, f + 4), interceptor: u16(bytes, f) };
    }
    /**
     * The unused byte count stored at the end of a block whose UnusedBytes low bits are 0x3F (Win8+, §2.4): on x64 the
     * pointer-size value right after the block (the next block's PreviousBlockPrivateData, DEC `*(QWORD*)(hdr +
     * 16*Size)`); on x86 the place is unconfirmed (§2.4 U), so both the block's last DWORD and the next DWORD are tried.
     * The escape is untested anywhere (§10.12): a value is taken only when it fits the block (at least 0x3F, since
     * smaller counts are stored inline, and at most the block's bytes); otherwise null, and the caller reads 0x3F as a
     * plain count (Windows 7 stores counts plainly).
     */
    function escapedUnused(bytes, entry, blockBytes, pointerSize) {
        const places = pointerSize === 8 ? [entry + blockBytes, entry + blockBytes - 8] : [entry + blockBytes - 4, entry + blockBytes];
        for (const p of places) {
            if (p < 0 || p + pointerSize > bytes.length)
                continue;
            // The count of one block fits 32 bits (a segment block is below 512 KB; the high DWORD must be 0 on x64).
            if (pointerSize === 8 && u32(bytes, p + 4) !== 0)
                continue;
            const v = u32(bytes, p);
            if (v >= UNUSED_ESCAPE && v <= blockBytes)
                return v;
        }
        return null;
    }
    /**
     * User pointer, requested size and trace slot of a busy block of `blockBytes` bytes whose header is at `entry`
     * (backend: Size*gran; LFH: the subsegment's BlockSize*gran, since the LFH header's Size is keyed differently).
     *  - +ust / extended header (UnusedBytes & 0x40): user after the extended header, size = blockBytes -
     *    UnusedBytesLength (HeapStat ParseHeapRecord64/32; DbgHelpUtils). UnusedBytesLength is written in clear (DEC);
     *    ntdll XORs it with Encoding.PreviousSize only when re-reading a pre-existing sig-5 header (§4.3 X), so when
     *    the clear value does not fit, the XOR-ed one is tried (`previousSizeKey`).
     *  - 0x3F escape (Win8+): the stored count (escapedUnused), when it fits.
     *  - otherwise: UnusedBytes as a plain count (Win7) or its low 6 bits (Win8+; the same value when bits 0x40/0x80
     *    are clear), which counts the header: size = blockBytes - unused (§2.4, §10.7: HeapStat, DbgHelpUtils,
     *    MemProcFS agree).
     * Null when no reading gives a size between 0 and the block's user bytes.
     */
    function userArea(bytes, entry, blockBytes, unusedBytes, pointerSize, lfh, previousSizeKey) {
        const gran = pointerSize * 2;
        const ext = extendedHeader(bytes, entry, unusedBytes, pointerSize, entry + blockBytes);
        if (ext) {
            const headerBytes = ext.at + gran - entry;
            for (const ubl of [ext.unusedBytesLength, ext.unusedBytesLength ^ previousSizeKey]) {
                const size = blockBytes - ubl;
                if (ubl >= headerBytes && size >= 0)
                    return { user: ext.at + gran, size, trace: ext.interceptor !== 0 ? entry + gran : -1 };
            }
            return null;
        }
        let unused = lfh ? unusedBytes & 0x3f : unusedBytes;
        if ((unusedBytes & 0x3f) === UNUSED_ESCAPE) {
            const stored = escapedUnused(bytes, entry, blockBytes, pointerSize);
            if (stored !== null)
                unused = stored;
        }
        else if (!lfh && (unusedBytes & UNUSED_LFH) !== 0) {
            unused = unusedBytes & 0x3f;
        }
        if (unused < gran || unused > blockBytes)
            return null;
        return { user: entry + gran, size: blockBytes - unused, trace: -1 };
    }
    /**
     * A stack trace record pointer as +ust stores it: a user-mode address, pointer aligned, not one of the fill
     * patterns DbgHelpUtils `is_valid_ust_address` rejects (0x01010000, 0x0101000000000000).
     */
    function plausibleTraceRecord(lo, hi, pointerSize) {
        if (lo === 0 && hi === 0)
            return false;
        if (lo % pointerSize !== 0)
            return false;
        if (pointerSize === 4)
            return hi === 0 && lo !== 0x01010000;
        if (hi >= 0x8000)
            return false;
        return !(hi === 0x01010000 && lo === 0);
    }
    /** The 8.1+ LFH offsets: FirstAllocationOffset | BlockStride << 16 = EncodedOffsets ^ UserBlocks ^ LFH ^ RtlpLFHKey,
     *  each truncated to 32 bits (§3.3: HeapStat, DbgHelpUtils, ntoseye, MemProcFS; DEC RtlpLowFragHeapAllocFromContext). */
    function decodeLfhOffsets(encodedOffsets, userBlocksLo, lfhLo, key) {
        const d = (encodedOffsets ^ userBlocksLo ^ lfhLo ^ key) >>> 0;
        return { first: d & 0xffff, stride: d >>> 16 };
    }

    // The NT heap walker (issue 20): every busy user allocation of one NT heap - backend segment blocks, LFH blocks,
    // virtual blocks - with its +ust stack record. Reads: the heap header, each segment header and uncommitted-range
    // descriptor, each segment's committed ranges in large reads (never one read per block), each LFH subsegment not
    // already inside those ranges, each virtual block's header. Addresses are JavaScript numbers inside the walk: user
    // space ends below 2^47 (x64) / 2^32 (x86), exact as numbers. Facts and sources: research/userheap-facts.md §2-4, §10.
    /** Windows 8: the busy bitmap and FirstAllocationOffset in the LFH UserBlocks (§3.1). */
    const WIN8 = 9200;
    /**
     * The layouts the walker needs, from ntdll's symbols first, else built in for the build's family (the description
     * says which). The LFH key is read once here: it is the same for every heap of the process.
     */
    function resolveNtHeapLayouts(target, build) {
        const ps = target.pointerSize;
        const types = (m, t) => target.type(m, t);
        const heap = resolveLayout(NT_HEAP, types, ps, build);
        if (isLayoutMissing(heap))
            return heap;
        const virtualEntry = resolveLayout(HEAP_VIRTUAL_ALLOC_ENTRY, types, ps, build);
        if (isLayoutMissing(virtualEntry))
            return virtualEntry;
        // Unknown build: the newest family, as resolveLayout guesses the newest variant (and says so).
        const flavour = build === null ? "win81" : build < WIN8 ? "win7" : build < WIN81$1 ? "win8" : "win81";
        const userData = resolveLayout(flavour === "win7" ? HEAP_USERDATA_HEADER_WIN7 : HEAP_USERDATA_HEADER, types, ps, build);
        const subsegment = resolveLayout(HEAP_SUBSEGMENT, types, ps, build);
        let lfhKey = null;
        let lfhKeyProblem = null;
        if (flavour === "win81") {
            const at = target.symbolAddress("ntdll", "RtlpLFHKey");
            if (!at) {
                lfhKeyProblem = "ntdll!RtlpLFHKey, the key of the LFH block offsets, was not found (load ntdll's symbols: .symfix; .reload /f ntdll.dll)";
            }
            else {
                const bytes = target.memory.read(at, 4, "ntdll!RtlpLFHKey");
                if (bytes instanceof Unreadable)
                    lfhKeyProblem = "ntdll!RtlpLFHKey " + bytes.describe(ps) + " (a dump without ntdll's data section)";
                else
                    lfhKey = u32(bytes, 0);
            }
        }
        const used = [heap, virtualEntry].concat([userData, subsegment].filter((l) => !isLayoutMissing(l)));
        const fromSymbols = used.filter((l) => l.origin === "symbols");
        // One line for the heap table: the first built-in layout in the resolver's own words, the others named after it.
        const builtIn = used.filter((l) => l.origin !== "symbols");
        const names = (list) => list.map((l) => l.typeName).join(", ");
        let description;
        if (builtIn.length === 0)
            description = names(used) + ": from ntdll's symbols";
        else {
            description = builtIn[0].description + (builtIn.length > 1 ? "; also built in: " + names(builtIn.slice(1)) : "") +
                (fromSymbols.length > 0 ? "; " + names(fromSymbols) + ": from ntdll's symbols" : "");
        }
        return { heap, virtualEntry, userData, subsegment, flavour, lfhKey, lfhKeyProblem, description, builtIn };
    }
    const TWO_32 = 0x100000000;
    function num(address) {
        return address.hi * TWO_32 + address.lo;
    }
    function addr(value) {
        return Address.fromNumber(value);
    }
    function hex$1(value) {
        return "0x" + value.toString(16);
    }
    /** The bytes of _HEAP the walker reads in its first read (the process walk reads the same to classify the heap). */
    function ntHeapHeaderSize(layouts, pointerSize) {
        const h = layouts.heap.offsets;
        return Math.max(layouts.heap.size, h.FrontEndHeapType + 1, h.SegmentList + 2 * pointerSize, h.VirtualAllocdBlocks + 2 * pointerSize);
    }
    /** Walks one NT heap. Never throws on target data: what it cannot walk is in `notWalked`, by address and reason. */
    function walkNtHeap(target, heap, layouts, options) {
        return new NtHeapWalk(target, heap, layouts, options).run();
    }
    class NtHeapWalk {
        constructor(target, heap, layouts, options) {
            this.target = target;
            this.heap = heap;
            this.layouts = layouts;
            this.options = options;
            this.key = null;
            /** Encoding.PreviousSize: the key ntdll may XOR an extended header's UnusedBytesLength with (§4.3 X). */
            this.previousSizeKey = 0;
            this.frontEndHeap = 0;
            this.pieces = [];
            this.regions = [];
            /** Internal blocks without the UserBlocks signature: a UserBlocks whose signature was overwritten shows by its
             *  subsegment pointing back at it (checked in walkLfh, from bytes already read). */
            this.unsigned = [];
            this.ps = target.pointerSize;
            this.gran = this.ps * 2;
            this.blockInfoSize = pageHeapLayout(this.ps).blockInfoSize;
            this.heapAt = num(heap);
            this.part = {
                summary: { heap, type: "NT", lfh: false, blocks: 0, bytes: 0, layout: layouts.description, builtInLayouts: layouts.builtIn },
                blocks: [],
                free: [],
                notWalked: [],
            };
        }
        run() {
            const h = this.layouts.heap.offsets;
            const ps = this.ps;
            const header = this.target.memory.read(this.heap, ntHeapHeaderSize(this.layouts, ps), "_HEAP");
            if (header instanceof Unreadable) {
                this.notWalked("heap", this.heapAt, "the heap header " + header.describe(ps));
                return this.part;
            }
            if (u32(header, h.SegmentSignature) !== NT_HEAP_SIGNATURE) {
                this.notWalked("heap", this.heapAt, "SegmentSignature is " + hex$1(u32(header, h.SegmentSignature)) + ", not an NT heap's 0xffeeffee");
                return this.part;
            }
            // Encoding is on iff EncodeFlagMask has 0x100000 (§2.3: DbgHelpUtils, ntoseye test this bit); the keyed bytes
            // are Encoding's +8..+F on x64 and +0..+7 on x86.
            if ((u32(header, h.EncodeFlagMask) & HEAP_ENCODING_ENABLED) !== 0) {
                const at = h.Encoding + (ps === 8 ? 8 : 0);
                this.key = header.slice(at, at + 8);
                this.previousSizeKey = u16(header, at + 4);
            }
            this.frontEndHeap = this.readNumber(header, h.FrontEndHeap);
            this.part.summary.lfh = header[h.FrontEndHeapType] === FRONT_END_LFH;
            this.walkSegments(header);
            this.walkVirtualBlocks(header);
            this.walkLfh();
            return this.part;
        }
        readNumber(bytes, offset) {
            return this.ps === 8 ? u32(bytes, offset + 4) * TWO_32 + u32(bytes, offset) : u32(bytes, offset);
        }
        /** A user-mode address a heap link may hold: pointer-aligned, above the first 64 KB (never mapped), below the top
         *  of user space. */
        plausible(value) {
            return value >= 0x10000 && value % this.ps === 0 && value < (this.ps === 8 ? 0x800000000000 : TWO_32);
        }
        /** A note for HeapWalkSummary.notes: what the walk assumed or fell back to, once each. */
        note(text) {
            const notes = this.part.summary.notes || (this.part.summary.notes = []);
            if (notes.indexOf(text) < 0)
                notes.push(text);
        }
        notWalked(part, address, reason) {
            if (this.part.notWalked.length >= heapWalkLimits.maxPartsNotWalkedPerHeap)
                return;
            // A value read from a damaged structure may not be an address at all (above 2^53): named in the reason only.
            const at = address === null || !(address >= 0 && address <= Number.MAX_SAFE_INTEGER) ? null : addr(Math.floor(address));
            const entry = { heap: this.heap, part, address: at, reason };
            this.part.notWalked.push(entry);
        }
        // --- backend segments ---
        walkSegments(header) {
            const h = this.layouts.heap.offsets;
            const head = this.heapAt + h.SegmentList;
            let link = this.readNumber(header, h.SegmentList);
            let from = head;
            const visited = {};
            let count = 0;
            const segmentBytes = h.UCRSegmentList + 2 * this.ps;
            while (link !== head) {
                if (count >= heapWalkLimits.maxSegmentsPerHeap) {
                    this.notWalked("segment list", link, "more than " + heapWalkLimits.maxSegmentsPerHeap + " segments (maxSegmentsPerHeap): the list is taken as corrupt from here");
                    return;
                }
                if (!this.plausible(link)) {
                    this.notWalked("segment list", from, "the segment link at " + hex$1(from) + " holds " + hex$1(link) + ", not an address in the process");
                    return;
                }
                if (visited[link]) {
                    this.notWalked("segment list", from, "the segment list loops: the link at " + hex$1(from) + " leads back to the segment at " + hex$1(link - h.SegmentListEntry));
                    return;
                }
                visited[link] = true;
                count++;
                const base = link - h.SegmentListEntry;
                const seg = base === this.heapAt ? header : this.target.memory.read(addr(base), segmentBytes, "_HEAP_SEGMENT", false);
                if (seg instanceof Unreadable) {
                    this.notWalked("segment", base, "the segment header " + seg.describe(this.ps));
                    return;
                }
                if (u32(seg, h.SegmentSignature) !== NT_HEAP_SIGNATURE) {
                    this.notWalked("segment", base, "SegmentSignature is " + hex$1(u32(seg, h.SegmentSignature)) + ", not 0xffeeffee: the segment list is corrupt from here");
                    return;
                }
                this.walkSegment(base, seg);
                from = link;
                link = this.readNumber(seg, h.SegmentListEntry);
            }
        }
        walkSegment(base, seg) {
            const h = this.layouts.heap.offsets;
            const first = this.readNumber(seg, h.FirstEntry);
            const last = this.readNumber(seg, h.LastValidEntry);
            if (!(first >= base && first < last && last - first <= heapWalkLimits.maxSegmentBytes)) {
                this.notWalked("segment", base, "FirstEntry " + hex$1(first) + " and LastValidEntry " + hex$1(last) + " do not make a segment");
                return;
            }
            const ucrs = this.readUncommittedRanges(base, seg, first, last);
            const ranges = [];
            let cursor = first;
            for (const ucr of ucrs) {
                if (ucr.address > cursor)
                    ranges.push([cursor, ucr.address]);
                cursor = Math.max(cursor, ucr.address + ucr.size);
            }
            if (cursor < last)
                ranges.push([cursor, last]);
            // What the segment says it has committed bounds what is read: an uncommitted-range list that lost entries would
            // otherwise send the walk through reserved pages that do not read, each costing reads to find (§2.2).
            const committed = last - base - u32(seg, h.NumberOfUnCommittedPages) * 0x1000;
            let budget = Math.max(committed, 0) + heapWalkLimits.segmentCommitSlack;
            for (const [start, end] of ranges) {
                const stop = Math.min(end, start + Math.max(budget, 0));
                if (stop > start)
                    this.walkRange(start, stop);
                budget -= stop - start;
                if (stop < end) {
                    this.notWalked("segment range", stop, "the segment at " + hex$1(base) + " says " + hex$1(committed) + " bytes are committed; its uncommitted-range list accounts for less, so the range from " + hex$1(stop) + " to " + hex$1(last) + " was not read");
                    return;
                }
            }
        }
        /** The segment's _HEAP_UCR_DESCRIPTORs (per-segment UCRSegmentList, §2.1: DbgHelpUtils, ntoseye), sorted. */
        readUncommittedRanges(base, seg, first, last) {
            const h = this.layouts.heap.offsets;
            const u = ucrDescriptorLayout(this.ps);
            const out = [];
            const head = base + h.UCRSegmentList;
            let link = this.readNumber(seg, h.UCRSegmentList);
            const visited = {};
            while (link !== head) {
                if (out.length >= heapWalkLimits.maxUncommittedRangesPerSegment || !this.plausible(link) || visited[link]) {
                    // Without the rest of the list, the walk still finds the holes: they do not read (live) or resync (dumps).
                    this.notWalked("uncommitted-range list", base, "the segment's uncommitted-range list " + (visited[link] ? "loops" : "is corrupt") + " at " + hex$1(link));
                    break;
                }
                visited[link] = true;
                const descriptor = link - u.SegmentEntry;
                const bytes = this.target.memory.read(addr(descriptor), u.size, "_HEAP_UCR_DESCRIPTOR");
                if (bytes instanceof Unreadable) {
                    this.notWalked("uncommitted-range list", base, bytes.describe(this.ps));
                    break;
                }
                const address = this.readNumber(bytes, u.Address);
                const size = this.readNumber(bytes, u.Size);
                if (address >= first && address < last && size > 0 && size <= last - address)
                    out.push({ address, size });
                link = this.readNumber(bytes, u.SegmentEntry);
            }
            return out.sort((a, b) => a.address - b.address);
        }
        /** One committed range [start, end): read in large reads (holes found by halving), then block by block. */
        walkRange(start, end) {
            const read = this.target.memory.readPartial(addr(start), end - start);
            for (const hole of read.unreadable) {
                this.notWalked("segment range", num(hole.start), hole.size + " bytes are unreadable (pages missing from the dump or not committed)");
            }
            let cursor = start;
            let previousSize = -1;
            for (const segment of read.pieces) {
                const piece = { start: num(segment.start), bytes: segment.bytes };
                this.pieces.push(piece);
                const pieceEnd = piece.start + piece.bytes.length;
                if (cursor >= pieceEnd)
                    continue;
                if (cursor < piece.start) {
                    // The block after a hole: find the next header that checks out, from the piece's start.
                    const found = this.resync(piece, 0, end);
                    if (found !== 0) {
                        this.notWalked("segment range", piece.start, "after the unreadable bytes before " + hex$1(piece.start) + ", " +
                            (found < 0 ? "no block header checks out up to " + hex$1(Math.min(pieceEnd, end)) : (found + " bytes were skipped to the next header that checks out at " + hex$1(piece.start + found))));
                    }
                    if (found < 0)
                        continue;
                    cursor = piece.start + found;
                    previousSize = -1;
                }
                while (cursor + this.gran <= pieceEnd && cursor < end) {
                    const off = cursor - piece.start;
                    const e = decodeEntry(piece.bytes, off, this.ps, this.key);
                    const blockBytes = e.size * this.gran;
                    const reason = !e.checksumOk ? "its header fails the checksum (Size ^ Flags != SmallTagIndex after decoding with _HEAP.Encoding)"
                        : e.size === 0 ? "its header has Size 0"
                            : cursor + blockBytes > end ? "its Size (" + hex$1(blockBytes) + " bytes) runs past the committed range ending at " + hex$1(end)
                                : !this.key && previousSize >= 0 && e.previousSize !== previousSize ? "its PreviousSize (" + e.previousSize + ") is not the size of the block before it (" + previousSize + ")"
                                    : null;
                    if (reason !== null) {
                        const found = this.resync(piece, off + this.gran, end);
                        const skipped = (found < 0 ? Math.min(pieceEnd, end) : piece.start + found) - cursor;
                        this.notWalked("backend block", cursor, "the block at " + hex$1(cursor) + " is damaged: " + reason + "; " + skipped + " bytes skipped" +
                            (found < 0 ? " to the end of the readable range" : " to the next header that checks out at " + hex$1(piece.start + found)));
                        if (found < 0) {
                            cursor = pieceEnd;
                            break;
                        }
                        cursor = piece.start + found;
                        previousSize = -1;
                        continue;
                    }
                    this.classify(piece, off, e.flags, e.unusedBytes, blockBytes);
                    previousSize = e.size;
                    cursor += blockBytes;
                }
            }
        }
        /**
         * The offset in `piece` of the next header that decodes and is followed by another that does and whose
         * PreviousSize matches (or by the range's end); -1 when none. Headers are granule-aligned.
         */
        resync(piece, from, end) {
            const bytes = piece.bytes;
            const g = this.gran;
            const limit = Math.min(bytes.length, end - piece.start);
            for (let p = from + ((g - (from % g)) % g); p + g <= limit; p += g) {
                const e = decodeEntry(bytes, p, this.ps, this.key);
                if (!e.checksumOk || e.size === 0)
                    continue;
                const next = p + e.size * g;
                if (next > limit)
                    continue;
                if (next === end - piece.start)
                    return p;
                if (next + g > bytes.length)
                    continue;
                const f = decodeEntry(bytes, next, this.ps, this.key);
                if (f.checksumOk && f.size !== 0 && f.previousSize === e.size)
                    return p;
            }
            return -1;
        }
        classify(piece, off, flags, unusedBytes, blockBytes) {
            const entry = piece.start + off;
            const bytes = piece.bytes;
            if ((flags & ENTRY_BUSY) === 0) {
                if (this.options.includeFree)
                    this.part.free.push({ address: addr(entry + this.gran), size: blockBytes - this.gran, heap: this.heap, kind: "Backend" });
                return;
            }
            if ((flags & ENTRY_INTERNAL) !== 0) {
                // Internal: never listed. An LFH UserBlocks sits at its user pointer, after the +ust header when there is one
                // (§3.2: ntdll allocates UserBlocks through RtlAllocateHeap, so +ust prefixes them too).
                const ext = extendedHeader(bytes, off, unusedBytes, this.ps, off + blockBytes);
                const userOff = ext ? ext.at + this.gran : off + this.gran;
                const sig = this.userDataSignatureOffset();
                if (sig >= 0 && userOff + sig + 4 <= bytes.length && u32(bytes, userOff + sig) === USERDATA_SIGNATURE) {
                    this.regions.push({ userBlocks: piece.start + userOff, end: entry + blockBytes, piece });
                }
                else if (userOff + this.ps <= bytes.length && this.unsigned.length < heapWalkLimits.maxPartsNotWalkedPerHeap) {
                    this.unsigned.push({ userBlocks: piece.start + userOff, end: entry + blockBytes, piece });
                }
                return;
            }
            // Busy + LAST_ENTRY: the guard before an uncommitted range or the segment end (§2.2, §10.4: classified by flags,
            // never by size - ReactOS makes it one granule, a Win7 x86 transcript shows 0x20 bytes). Tested after the
            // internal flag, so that an internal block that happens to be last still has its UserBlocks found.
            if ((flags & ENTRY_LAST) !== 0)
                return;
            const area = userArea(bytes, off, blockBytes, unusedBytes, this.ps, false, this.previousSizeKey);
            if (!area) {
                this.notWalked("backend block", entry, "the busy block at " + hex$1(entry) + " has UnusedBytes " + hex$1(unusedBytes) + ", which fits no reading of a " + hex$1(blockBytes) + "-byte block");
                return;
            }
            this.push("Backend", piece, entry, area.user, area.size, area.trace);
        }
        userDataSignatureOffset() {
            const l = this.layouts.userData;
            return isLayoutMissing(l) ? (this.ps === 8 ? (this.layouts.flavour === "win7" ? 0x18 : 0x14) : 0xc) : l.offsets.Signature;
        }
        push(kind, piece, header, userOff, size, traceOff) {
            const bytes = piece.bytes;
            const ps = this.ps;
            // A light page heap's block (+hpa without /full: the page heap's NormalHeap is an NT heap) starts with a
            // _DPH_BLOCK_INFORMATION (§6: DbgHelpUtils dph_entry, HeapStat ParseHeapRecord32's HPA branch): the caller's
            // data, size and stack are after and in it; a freed one (delay-free queue) is no allocation.
            const info = this.blockInfoSize;
            if (kind !== "LFH" && size >= info && userOff + info <= bytes.length) {
                const stamp = u32(bytes, userOff);
                if (stamp === DPH_LIGHT_STAMP_FREED)
                    return;
                const requested = u32(bytes, userOff + (ps === 8 ? 0x10 : 0x8));
                if (stamp === DPH_LIGHT_STAMP_BUSY && requested <= size - info) {
                    const stackAt = userOff + (ps === 8 ? 0x30 : 0x18);
                    if (u32(bytes, stackAt) !== 0 || (ps === 8 && u32(bytes, stackAt + 4) !== 0))
                        traceOff = stackAt;
                    userOff += info;
                    size = requested;
                }
            }
            let stackRecord = null;
            if (traceOff >= 0 && traceOff + ps <= bytes.length) {
                const lo = u32(bytes, traceOff);
                const hi = ps === 8 ? u32(bytes, traceOff + 4) : 0;
                if (plausibleTraceRecord(lo, hi, ps))
                    stackRecord = new Address(hi, lo);
            }
            let firstPointer = null;
            if (this.options.readFirstPointer && size >= ps && userOff + ps <= bytes.length) {
                const value = new Address(ps === 8 ? u32(bytes, userOff + 4) : 0, u32(bytes, userOff));
                // A zero names no type: left null, as for a block too small to hold a pointer.
                if (!value.isNull)
                    firstPointer = value;
            }
            this.add({ address: addr(piece.start + userOff), size, heap: this.heap, kind, header: addr(header), stackRecord, firstPointer });
        }
        add(block) {
            this.part.blocks.push(block);
            this.part.summary.blocks++;
            this.part.summary.bytes += block.size;
            if (this.options.onProgress && this.part.blocks.length % 4096 === 0)
                this.options.onProgress(this.part.blocks.length);
        }
        // --- LFH (§3) ---
        walkLfh() {
            const ud = this.layouts.userData;
            const ss = this.layouts.subsegment;
            if (!isLayoutMissing(ss))
                this.findDamagedUserBlocks(ss, isLayoutMissing(ud) ? -1 : ud.offsets.Signature);
            if (this.regions.length === 0)
                return;
            const missing = isLayoutMissing(ud) ? ud : isLayoutMissing(ss) ? ss : null;
            const keyProblem = this.layouts.flavour === "win81" && this.layouts.lfhKey === null ? this.layouts.lfhKeyProblem : null;
            if (missing || keyProblem) {
                const why = missing ? "no layout for " + missing.typeName + ": " + missing.reason : keyProblem;
                this.notWalked("LFH UserBlocks", this.regions[0].userBlocks, (this.regions.length === 1 ? "this LFH UserBlocks" : "these " + this.regions.length + " LFH UserBlocks (the address is the first's)") + " not walked: " + why);
                return;
            }
            for (const region of this.regions)
                this.walkRegion(region, ud, ss);
        }
        /**
         * An internal block whose first pointer leads to a subsegment (in memory already read: zones live in the heap's
         * segments) whose UserBlocks points back at it is a UserBlocks whose signature is damaged: named, its blocks not
         * listed (they cannot be told from stale bytes without the header).
         */
        findDamagedUserBlocks(ss, signatureOffset) {
            for (const c of this.unsigned) {
                const off = c.userBlocks - c.piece.start;
                const subsegment = this.readNumber(c.piece.bytes, off);
                if (!this.plausible(subsegment))
                    continue;
                let back = -1;
                for (const p of this.pieces) {
                    const at = subsegment + ss.offsets.UserBlocks - p.start;
                    if (at >= 0 && at + this.ps <= p.bytes.length) {
                        back = this.readNumber(p.bytes, at);
                        break;
                    }
                }
                if (back !== c.userBlocks)
                    continue;
                const found = signatureOffset >= 0 && off + signatureOffset + 4 <= c.piece.bytes.length ? hex$1(u32(c.piece.bytes, off + signatureOffset)) : "unreadable";
                this.notWalked("LFH UserBlocks", c.userBlocks, "its subsegment at " + hex$1(subsegment) + " points to it, but its signature is " + found + ", not 0xf0e0d0c0: its LFH blocks are not listed");
            }
        }
        /** Bytes at `at` from the ranges already read (zones and subsegments live in the heap's own segments), else read. */
        bytesAt(at, size, what) {
            for (const p of this.pieces) {
                if (at >= p.start && at + size <= p.start + p.bytes.length)
                    return { bytes: p.bytes, off: at - p.start };
            }
            const read = this.target.memory.read(addr(at), size, what);
            return read instanceof Unreadable ? read : { bytes: read, off: 0 };
        }
        walkRegion(region, ud, ss) {
            const ps = this.ps;
            const g = this.gran;
            const ub = region.userBlocks;
            const bytes = region.piece.bytes;
            const base = region.piece.start;
            const hdr = ub - base;
            const headerEnd = hdr + Math.max(ud.size, ud.offsets.Signature + 4);
            if (headerEnd > bytes.length) {
                this.notWalked("LFH UserBlocks", ub, "the UserBlocks header runs into unreadable memory");
                return;
            }
            const subsegment = this.readNumber(bytes, hdr + ud.offsets.SubSegment);
            if (!this.plausible(subsegment)) {
                this.notWalked("LFH UserBlocks", ub, "its SubSegment pointer " + hex$1(subsegment) + " is not an address in the process");
                return;
            }
            const s = this.bytesAt(subsegment, ss.size, "_HEAP_SUBSEGMENT");
            if (s instanceof Unreadable) {
                this.notWalked("LFH UserBlocks", ub, "its _HEAP_SUBSEGMENT " + s.describe(ps));
                return;
            }
            // A UserBlocks whose subsegment no longer points back is cached or retired (_LFH_HEAP.UserBlockCache): it holds
            // no busy blocks (§3.2 A; MemProcFS, DbgHelpUtils validate the back pointer the same way).
            if (this.readNumber(s.bytes, s.off + ss.offsets.UserBlocks) !== ub)
                return;
            const blockSize = u16(s.bytes, s.off + ss.offsets.BlockSize);
            const count = u16(s.bytes, s.off + ss.offsets.BlockCount);
            const blockBytes = blockSize * g;
            let first;
            let stride = blockBytes;
            // MemProcFS VmmHeapAlloc_NtInitLfhUserData_VerifyEncoded: FirstAllocationOffset 8-aligned, at least 0x40 (x64) /
            // 0x20 (x86) past the header, within a page; and here the stride must be the subsegment's BlockSize * gran.
            const minFirst = this.layouts.flavour === "win7" ? ud.size : ps === 8 ? 0x40 : 0x20;
            const fits = (f, s) => blockSize !== 0 && s === blockBytes && f % 8 === 0 && f >= minFirst && f <= 0x1000;
            if (this.layouts.flavour === "win7") {
                first = ud.size; // blocks right after the header (HeapStat, MemProcFS, DbgHelpUtils)
            }
            else {
                const raw = u32(bytes, hdr + ud.offsets.EncodedOffsets);
                if (this.layouts.flavour === "win8") {
                    first = raw & 0xffff; // a plain FirstAllocationOffset on 8.0 (HeapStat x86)
                }
                else {
                    const d = decodeLfhOffsets(raw, ub >>> 0, this.frontEndHeap >>> 0, this.layouts.lfhKey);
                    first = d.first;
                    stride = d.stride;
                    // MemProcFS tries the plain reading first (FirstAllocationOffset == 0x40 / 0x20, as on 8.0): taken here only
                    // when the keyed one does not check out, for a build misreported as 8.1+.
                    if (!fits(first, stride) && fits(raw & 0xffff, raw >>> 16) && (raw & 0xffff) === minFirst) {
                        first = raw & 0xffff;
                        stride = raw >>> 16;
                        this.note("LFH offsets read in clear (as Windows 8.0 stores them) where RtlpLFHKey did not decode them");
                    }
                }
            }
            if (!fits(first, stride)) {
                this.notWalked("LFH UserBlocks", ub, "its block offsets do not check out (first block at +" + hex$1(first) + ", stride " + hex$1(stride) + ", BlockSize " + blockSize +
                    (this.layouts.flavour === "win81" ? "): RtlpLFHKey or the _HEAP.FrontEndHeap it is combined with may be wrong" : ")"));
                return;
            }
            if (ub + first + count * stride > region.end) {
                this.notWalked("LFH UserBlocks", ub, count + " blocks of " + hex$1(stride) + " bytes do not fit the UserBlocks' backend block ending at " + hex$1(region.end));
                return;
            }
            let bitmap = null;
            if (this.layouts.flavour !== "win7") {
                // _RTL_BITMAP(_EX) {SizeOfBitMap; Buffer}: Buffer normally points at BitmapData inside the header (§3.1).
                const bm = hdr + ud.offsets.BusyBitmap;
                const bits = unsigned(bytes, bm, ps);
                const buffer = this.readNumber(bytes, bm + ps);
                const found = bits >= count && this.plausible(buffer) ? this.bytesAt(buffer, Math.ceil(count / 8) || 1, "LFH busy bitmap") : null;
                if (!found || found instanceof Unreadable) {
                    this.notWalked("LFH UserBlocks", ub, "its busy bitmap (" + bits + " bits at " + hex$1(buffer) + ") cannot be read for " + count + " blocks");
                    return;
                }
                bitmap = found;
            }
            const unusedAt = ps === 8 ? 15 : 7;
            for (let i = 0; i < count; i++) {
                const slot = hdr + first + i * stride;
                if (slot + g > bytes.length) {
                    this.notWalked("LFH UserBlocks", ub, "blocks " + i + " to " + (count - 1) + " are in unreadable memory");
                    return;
                }
                const unused = bytes[slot + unusedAt];
                // Busy: the bitmap bit where there is one (DEC sets it on allocation; MemProcFS, ntoseye read it) and the
                // header's unused count (0x80 alone = free: HeapStat, DbgHelpUtils). Both must say busy: a block freed onto the
                // DelayFreeList keeps its bit but not its count (§3.3, DelayFreeList semantics unconfirmed), and a set bit over a
                // free header is no allocation a leak report can name.
                const bitBusy = bitmap === null || ((bitmap.bytes[bitmap.off + (i >> 3)] >> (i & 7)) & 1) === 1;
                const headerBusy = (unused & 0x3f) !== 0;
                if (!(bitBusy && headerBusy)) {
                    if (this.options.includeFree && !headerBusy) {
                        const free = { address: addr(base + slot + g), size: stride - g, heap: this.heap, kind: "LFH" };
                        this.part.free.push(free);
                    }
                    continue;
                }
                const area = userArea(bytes, slot, stride, unused, ps, true, this.previousSizeKey);
                if (!area) {
                    this.notWalked("LFH block", base + slot, "the LFH block at " + hex$1(base + slot) + " has UnusedBytes " + hex$1(unused) + ", which fits no reading of a " + hex$1(stride) + "-byte block");
                    continue;
                }
                this.push("LFH", region.piece, base + slot, area.user, area.size, area.trace);
            }
        }
        // --- virtual blocks (§2.6, §10.8) ---
        walkVirtualBlocks(header) {
            const h = this.layouts.heap.offsets;
            const e = this.layouts.virtualEntry;
            const ps = this.ps;
            const g = this.gran;
            const head = this.heapAt + h.VirtualAllocdBlocks;
            let link = this.readNumber(header, h.VirtualAllocdBlocks);
            let from = head;
            const visited = {};
            // Entry, the +ust prefix (trace pointer, extended header) and the start of the user data (its first pointer, or
            // a UserBlocks header up to its signature, or a light page heap's block information), in one read.
            const readSize = e.size + 2 * g + pageHeapLayout(ps).blockInfoSize + ps;
            let count = 0;
            while (link !== head) {
                if (count >= heapWalkLimits.maxVirtualBlocksPerHeap || !this.plausible(link) || visited[link]) {
                    this.notWalked("virtual block list", from, visited[link]
                        ? "the list loops: the link at " + hex$1(from) + " leads back to " + hex$1(link)
                        : count >= heapWalkLimits.maxVirtualBlocksPerHeap ? "more than " + heapWalkLimits.maxVirtualBlocksPerHeap + " virtual blocks (maxVirtualBlocksPerHeap)"
                            : "the link at " + hex$1(from) + " holds " + hex$1(link) + ", not an address in the process");
                    return;
                }
                visited[link] = true;
                count++;
                const bytes = this.target.memory.read(addr(link), readSize, "_HEAP_VIRTUAL_ALLOC_ENTRY", false);
                if (bytes instanceof Unreadable) {
                    this.notWalked("virtual block list", link, "the virtual block " + bytes.describe(ps));
                    return;
                }
                this.virtualBlock(link, bytes, e);
                from = link;
                link = this.readNumber(bytes, e.offsets.Entry);
            }
        }
        virtualBlock(entry, bytes, e) {
            const ps = this.ps;
            const g = this.gran;
            const commit = unsigned(bytes, e.offsets.CommitSize, e.sizes.CommitSize || ps);
            const busy = e.offsets.BusyBlock;
            // BusyBlock: encoded like any header; its Size holds the unused bytes, the header (and +ust prefix) included
            // (§2.6: HeapStat, DbgHelpUtils; §10.8: user size = CommitSize - BusyBlock.Size).
            const d = decodeEntry(bytes, busy, ps, this.key);
            if (!d.checksumOk || d.size > commit) {
                this.notWalked("virtual block", entry, "its BusyBlock header " + (d.checksumOk ? "holds " + hex$1(d.size) + " unused bytes, more than its " + hex$1(commit) + " committed" : "fails the checksum"));
                return;
            }
            // +ust (§4.3, §10.8): the trace pointer right after the entry, then an extended header (signature 5, EntryOffset
            // 2, the interceptor's index), user data after it. Detected per block, not per process (§4.1).
            const ext = busy + 2 * g;
            const f = ps === 8 ? ext + 8 : ext;
            const ust = bytes[f + 7] === EXTENDED_SIGNATURE && bytes[f + 6] === 2 && u16(bytes, f) !== 0;
            const userOff = ust ? e.size + 2 * g : e.size;
            if (this.userBlocksInVirtualBlock(entry, bytes, userOff, commit))
                return;
            const piece = { start: entry, bytes };
            this.push("Virtual", piece, entry, userOff, commit - d.size, ust ? e.size : -1);
        }
        /**
         * A virtual block that holds an LFH UserBlocks (x86: UserBlocks up to 0xF0000 bytes can exceed the virtual-block
         * threshold, §3.2 U): signed 0xF0E0D0C0 and its subsegment pointing back. Read whole (at most
         * maxUserBlocksBytes) and walked as an LFH region; the block itself is heap-internal, never listed. A user block
         * whose bytes happen to look signed is told apart by the subsegment's back pointer.
         */
        userBlocksInVirtualBlock(entry, bytes, userOff, commit) {
            const sig = this.userDataSignatureOffset();
            const ss = this.layouts.subsegment;
            if (isLayoutMissing(ss) || userOff + sig + 4 > bytes.length || u32(bytes, userOff + sig) !== USERDATA_SIGNATURE)
                return false;
            const ub = entry + userOff;
            const subsegment = this.readNumber(bytes, userOff);
            if (!this.plausible(subsegment))
                return false;
            const s = this.bytesAt(subsegment, ss.size, "_HEAP_SUBSEGMENT");
            if (s instanceof Unreadable || this.readNumber(s.bytes, s.off + ss.offsets.UserBlocks) !== ub)
                return false;
            const size = Math.min(commit, heapWalkLimits.maxUserBlocksBytes);
            const read = this.target.memory.readPartial(addr(entry), size);
            const whole = read.pieces.length > 0 && num(read.pieces[0].start) === entry ? read.pieces[0] : null;
            if (!whole) {
                this.notWalked("LFH UserBlocks", ub, "the virtual block at " + hex$1(entry) + " that holds it is unreadable");
                return true;
            }
            this.regions.push({ userBlocks: ub, end: entry + whole.bytes.length, piece: { start: entry, bytes: whole.bytes } });
            return true;
        }
    }

    function walkPageHeap(target, heap, options) {
        const ps = target.pointerSize;
        const l = pageHeapLayout(ps);
        // Always built in (two dt dumps, no PDB check): said once per session as the other built-in layouts are.
        const provenance = { typeName: "_DPH_HEAP_ROOT", origin: "built-in", description: "_DPH_HEAP_ROOT, _DPH_HEAP_BLOCK: " + l.label, guessed: false, variantLabel: ps === 8 ? "x64" : "x86" };
        const part = { summary: { heap, type: "PageHeap", lfh: false, blocks: 0, bytes: 0, layout: l.label, builtInLayouts: [provenance] }, blocks: [], free: [], notWalked: [] };
        // The layouts are the two dt dumps' (§6): where a build differs, the debugger's own listing is the way out.
        const hint = messages.heapWalkPageHeapHint(heap.format(ps));
        const notWalked = (address, reason) => {
            if (part.notWalked.length < heapWalkLimits.maxPartsNotWalkedPerHeap)
                part.notWalked.push({ heap, part: "page heap", address, reason: reason + hint });
        };
        const root = heap.add(0x1000);
        const rootBytes = target.memory.read(root, l.busyNodesTable + l.rightChild + ps, "_DPH_HEAP_ROOT");
        if (rootBytes instanceof Unreadable) {
            notWalked(root, "a full page heap (+hpa) whose root " + rootBytes.describe(ps));
            return part;
        }
        if (u32(rootBytes, l.rootSignature) !== DPH_ROOT_SIGNATURE) {
            notWalked(root, "a full page heap (+hpa) whose root has the signature 0x" + u32(rootBytes, l.rootSignature).toString(16) + ", not 0xffeeddcc");
            return part;
        }
        const pending = [];
        const visited = new Set();
        const first = pointer(rootBytes, l.busyNodesTable + l.rightChild, ps);
        if (!first.isNull)
            pending.push(first);
        while (pending.length > 0) {
            const node = pending.pop();
            if (visited.size >= heapWalkLimits.maxPageHeapBlocks) {
                notWalked(node, "more than " + heapWalkLimits.maxPageHeapBlocks + " busy nodes (maxPageHeapBlocks): the table is taken as corrupt from here");
                break;
            }
            if (!isPlausibleUserAddress(node, ps)) {
                notWalked(null, "a BusyNodesTable link holds " + node.format(ps) + ", not an address in the process: that subtree is not walked");
                continue;
            }
            if (visited.has(node.key)) {
                notWalked(node, "the BusyNodesTable loops back to the node at " + node.format(ps) + ": walked once");
                continue;
            }
            visited.add(node.key);
            const bytes = target.memory.read(node, l.nodeSize, "_DPH_HEAP_BLOCK", false);
            if (bytes instanceof Unreadable) {
                notWalked(node, "the node " + bytes.describe(ps) + ": its subtree is not walked");
                continue;
            }
            for (const child of [pointer(bytes, l.rightChild, ps), pointer(bytes, l.leftChild, ps)])
                if (!child.isNull)
                    pending.push(child);
            const user = pointer(bytes, l.userAllocation, ps);
            const size = ps === 8 ? u32(bytes, l.userRequestedSize) + u32(bytes, l.userRequestedSize + 4) * 0x100000000 : u32(bytes, l.userRequestedSize);
            const trace = pointer(bytes, l.stackTrace, ps);
            if (!isPlausibleUserAddress(user, ps) || user.lo < l.blockInfoSize) {
                notWalked(node, "the node's pUserAllocation " + user.format(ps) + " is not an address in the process");
                continue;
            }
            // The stamp before the user data says busy (0xABCDBBBB) or freed and waiting in the delay queue (0xABCDBBBA);
            // its RequestedSize must be the node's (HeapStat, DbgHelpUtils check the stamps).
            const info = target.memory.read(user.subtract(l.blockInfoSize), l.blockInfoSize + ps, "_DPH_BLOCK_INFORMATION", false);
            if (info instanceof Unreadable) {
                notWalked(user, "the block information before " + user.format(ps) + " " + info.describe(ps));
                continue;
            }
            const stamp = u32(info, 0);
            const requested = u32(info, l.blockInfoRequestedSize);
            if (stamp === DPH_STAMP_FREED) {
                if (options.includeFree)
                    part.free.push({ address: user, size, heap, kind: "PageHeap" });
                continue;
            }
            if (stamp !== DPH_STAMP_BUSY || requested !== size) {
                notWalked(user, "the block at " + user.format(ps) + " has StartStamp 0x" + stamp.toString(16) + " and RequestedSize 0x" + requested.toString(16) +
                    " (node: 0x" + size.toString(16) + "), not a busy page-heap block's");
                continue;
            }
            const firstPointer = options.readFirstPointer && size >= ps ? pointer(info, l.blockInfoSize, ps) : null;
            part.blocks.push({
                address: user,
                size,
                heap,
                kind: "PageHeap",
                header: node,
                // An _RTL_STACK_TRACE_ENTRY in RtlpStackTraceDataBase (§6), read by the same TraceReader (Depth, frames).
                stackRecord: trace.isNull || !isPlausibleUserAddress(trace, ps) ? null : trace,
                firstPointer: firstPointer && !firstPointer.isNull ? firstPointer : null,
            });
            part.summary.blocks++;
            part.summary.bytes += size;
            if (options.onProgress && part.blocks.length % 4096 === 0)
                options.onProgress(part.blocks.length);
        }
        return part;
    }

    function isHeapWalkFailure(value) {
        return typeof value === "object" && value !== null && value.kind === "heapWalkFailed";
    }
    /**
     * The heap at `heap` by its signature: 0xFFEEFFEE NT heap (a page heap when ForceFlags has HEAP_FLAG_PAGE_ALLOCS and
     * its DPH root, one page on, is signed 0xFFEEDDCC), 0xDDEEDDEE segment heap, else a page heap's fake handle or not a
     * heap (MemProcFS VmmHeap_InitializeInternal, ntoseye classify, DbgHelpUtils is_process_heap; ReactOS
     * RtlpDphPointerFromHandle).
     */
    function classifyHeap(target, heap, forceFlagsOffset, headerSize = 0) {
        const ps = target.pointerSize;
        const c = heapConstants(ps);
        const size = Math.max(c.signatureOffset + 4, forceFlagsOffset === null ? 0 : forceFlagsOffset + 4);
        // The whole _HEAP header when it reads (cached: the NT walker's own read of it is then free), else the signature.
        const whole = headerSize > size ? target.memory.read(heap, headerSize, "_HEAP") : null;
        const bytes = whole && !(whole instanceof Unreadable) ? whole : target.memory.read(heap, size, "heap signature");
        if (bytes instanceof Unreadable)
            return { type: "Unknown", reason: "its first bytes are unreadable (" + bytes.describe(ps) + ")" };
        const signature = u32(bytes, c.signatureOffset);
        if (signature === SEGMENT_HEAP_SIGNATURE$1)
            return { type: "Segment", reason: null };
        // ForceFlags' page-heap bit makes it a page heap even when its root is damaged: the page-heap walk names that.
        const pageHeapFlag = signature === NT_HEAP_SIGNATURE && forceFlagsOffset !== null && (u32(bytes, forceFlagsOffset) & HEAP_FLAG_PAGE_ALLOCS) !== 0;
        if (pageHeapFlag)
            return { type: "PageHeap", reason: null };
        if (signature !== NT_HEAP_SIGNATURE) {
            const root = target.memory.read(heap.add(0x1000), 4, "page heap root");
            if (!(root instanceof Unreadable) && u32(root, 0) === DPH_ROOT_SIGNATURE)
                return { type: "PageHeap", reason: null };
        }
        if (signature === NT_HEAP_SIGNATURE)
            return { type: "NT", reason: null };
        return {
            type: "Unknown",
            reason: "the signature at +0x" + c.signatureOffset.toString(16) + " is 0x" + signature.toString(16) +
                ": neither an NT heap (0xffeeffee) nor a segment heap (0xddeeddee), and no page-heap root (0xffeeddcc) one page on",
        };
    }
    /**
     * Walks every heap of the current process, or only `onlyHeap`. A kernel session, a missing PEB and a handle that is
     * not a heap are failures with a message; everything else comes back, with what could not be walked in notWalked.
     */
    function walkProcessHeaps(target, options, onlyHeap) {
        const fail = (message) => ({ kind: "heapWalkFailed", message });
        if (target.isKernel)
            return fail(messages.heapWalkKernel());
        const ps = target.pointerSize;
        const peb = target.pebAddress();
        if (!peb)
            return fail(messages.virtblocksNoPeb());
        const process = readProcessHeaps(target, peb, heapConstants(ps));
        if (process instanceof Unreadable)
            return fail(messages.unreadable("the PEB's heap list", process.address.format(ps)).replace("; the rest is shown.", "."));
        const result = { free: [], heaps: [], blocks: [], notWalked: [], ust: (process.ntGlobalFlag & FLG_USER_STACK_TRACE_DB) !== 0 };
        if (process.problem)
            result.notWalked.push({ heap: peb, part: "PEB heap list", address: peb, reason: process.problem });
        const build = target.windowsBuild();
        const layouts = resolveNtHeapLayouts(target, build);
        const forceFlags = isLayoutMissing(layouts) ? null : layouts.heap.offsets.ForceFlags;
        const headerSize = isLayoutMissing(layouts) ? 0 : ntHeapHeaderSize(layouts, ps);
        let heaps = process.heaps;
        if (onlyHeap) {
            // As the user typed it (a dx number), with the handles that would work, so that one can be pasted back.
            const notAHeap = (why) => fail(messages.heapWalkNotAHeap("0x" + onlyHeap.toHex(), why, heaps.map((h) => "0x" + h.toHex())));
            if (onlyHeap.isNull || !isPlausibleUserAddress(onlyHeap, ps))
                return notAHeap("not a user-mode address of this process");
            const listed = heaps.some((h) => h.equals(onlyHeap));
            // A handle the PEB lists is the process's heap even when damaged: walked (and named not walked) like the others,
            // so a caller walking the heaps one by one gets the same answer as a walk of them all.
            const kind = classifyHeap(target, onlyHeap, forceFlags, headerSize);
            if (kind.type === "Unknown" && !listed)
                return notAHeap(kind.reason || "no heap signature");
            if (!listed)
                result.notWalked.push({ heap: onlyHeap, part: "PEB heap list", address: peb, reason: messages.heapWalkNotInPeb(onlyHeap.format(ps)) });
            heaps = [onlyHeap];
        }
        for (const heap of heaps) {
            const kind = classifyHeap(target, heap, forceFlags, headerSize);
            let part;
            try {
                part = walkOne(target, heap, kind, layouts, options);
            }
            catch (e) {
                // Target data never throws in the walkers; this keeps a bug in one heap from losing the others.
                part = emptyPart(heap, kind.type, "", "heap", "the walk stopped on an internal error: " + String(e));
            }
            result.heaps.push(part.summary);
            for (const b of part.blocks)
                result.blocks.push(b);
            for (const f of part.free)
                result.free.push(f);
            for (const n of part.notWalked)
                result.notWalked.push(n);
        }
        return result;
    }
    function walkOne(target, heap, kind, layouts, options) {
        target.pointerSize;
        switch (kind.type) {
            case "NT":
                if (isLayoutMissing(layouts))
                    return emptyPart(heap, "NT", "", "heap", messages.heapWalkNoLayout(layouts.typeName + ": " + layouts.reason));
                return walkNtHeap(target, heap, layouts, options);
            case "Segment":
                return walkSegmentHeap(target, heap, options);
            case "PageHeap":
                return walkPageHeap(target, heap, options);
            default:
                return emptyPart(heap, "Unknown", "", "heap", kind.reason || "not a heap");
        }
    }
    function emptyPart(heap, type, layout, part, reason) {
        return {
            summary: { heap, type, lfh: false, blocks: 0, bytes: 0, layout },
            blocks: [],
            free: [],
            notWalked: [{ heap, part, address: heap, reason }],
        };
    }

    function decodeExceptionPointers(bytes, layout, pointerSize) {
        return {
            ExceptionRecord: pointer(bytes, layout.offsets.ExceptionRecord, pointerSize),
            ContextRecord: pointer(bytes, layout.offsets.ContextRecord, pointerSize),
        };
    }
    function decodeExceptionRecord(bytes, layout, pointerSize) {
        const o = layout.offsets;
        const count = u32(bytes, o.NumberParameters);
        const usable = Math.min(count, EXCEPTION_MAXIMUM_PARAMETERS);
        const parameters = [];
        for (let i = 0; i < usable; i++) {
            const at = o.ExceptionInformation + i * pointerSize;
            if (at + pointerSize > bytes.length)
                break;
            parameters.push(pointer(bytes, at, pointerSize));
        }
        return {
            ExceptionCode: u32(bytes, o.ExceptionCode),
            ExceptionFlags: u32(bytes, o.ExceptionFlags),
            ExceptionAddress: pointer(bytes, o.ExceptionAddress, pointerSize),
            NumberParameters: count,
            Parameters: parameters,
            countCapped: count > EXCEPTION_MAXIMUM_PARAMETERS,
        };
    }
    /** Bytes of a CONTEXT worth reading: up to the end of the last field used, not the whole 0x4d0. */
    function contextBytesNeeded(layout, pointerSize) {
        let end = 0;
        for (const field of Object.keys(layout.offsets))
            end = Math.max(end, layout.offsets[field] + pointerSize);
        return end;
    }
    function decodeContext(bytes, layout, pointerSize) {
        const ip = layout.offsets.Rip !== undefined ? layout.offsets.Rip : layout.offsets.Eip;
        const sp = layout.offsets.Rsp !== undefined ? layout.offsets.Rsp : layout.offsets.Esp;
        return { InstructionPointer: pointer(bytes, ip, pointerSize), StackPointer: pointer(bytes, sp, pointerSize) };
    }
    function memoryFault(record) {
        if (record.ExceptionCode !== 0xc0000005 && record.ExceptionCode !== 0xc0000006)
            return null;
        if (record.Parameters.length < 2)
            return null;
        const kind = record.Parameters[0];
        const access = kind.hi !== 0 ? "unknown access" : kind.lo === 0 ? "read" : kind.lo === 1 ? "write" : kind.lo === 8 ? "execute (DEP)" : "unknown access";
        const ioStatus = record.ExceptionCode === 0xc0000006 && record.Parameters.length >= 3 ? record.Parameters[2].lo : null;
        return { access, address: record.Parameters[1], ioStatus };
    }

    // The owning and attached process of the current thread, from `!thread` output. Format (real output, seed 004):
    //   Owning Process            ffffb402b8d58080       Image:         <Invalid process>
    //   Attached Process          ffffb402b984a040       Image:         MemCompression
    // A thread that is not attached prints N/A in both columns. In a kernel dump the current thread is the one that
    // called KeBugCheckEx (`.thread` in seed 004 names it), so `!thread` without arguments describes it.
    const THREAD = /^\s*THREAD\s+([0-9a-fA-F`]+)\s/;
    const PROCESS = /^\s*(Owning|Attached) Process\s+(\S+)\s+Image:\s+(.*?)\s*$/;
    function parseThreadProcesses(lines) {
        const out = { thread: null, owning: null, attached: null };
        for (const line of lines) {
            const t = THREAD.exec(line);
            if (t && !out.thread)
                out.thread = Address.parse(t[1]);
            const m = PROCESS.exec(line);
            if (!m)
                continue;
            const ref = m[2] === "N/A" ? null : { address: Address.parse(m[2]), image: m[3] };
            if (m[1] === "Owning")
                out.owning = ref;
            else
                out.attached = ref;
        }
        return out;
    }
    /** The process that hosts the memory-compression store is named MemCompression (seed 004). */
    function isMemCompression(ref) {
        return !!ref && /^MemCompression$/i.test(ref.image);
    }

    const KTHREAD_STACK = {
        module: "nt",
        typeName: "_KTHREAD",
        fields: ["InitialStack", "StackLimit", "StackBase"],
        variants: [
            {
                // Vergilius Project _KTHREAD (x64) for Windows 8 through Windows 11 23H2 (vergiliusproject.com/kernels/x64):
                // InitialStack +0x28, StackLimit +0x30, StackBase +0x38, unchanged since Windows 8 moved StackBase up next to
                // StackLimit; StackLimit 0x30 and StackBase 0x38 also in Bitdefender hvmi's offsets for 17763 x64
                // (cami/sources/windows/opaque_fields/km/windows_17763_x64_kpti_ON.yaml, Thread). `size` is the bytes read (to the end of StackBase), not sizeof(_KTHREAD), which varies by build.
                label: "Windows 8 to 11 x64",
                pointerSize: 8,
                minBuild: 9200,
                size: 0x40,
                offsets: { InitialStack: 0x28, StackLimit: 0x30, StackBase: 0x38 },
                source: "Vergilius Project _KTHREAD x64 (Windows 8-11); hvmi 17763 x64 offsets",
            },
            {
                // Windows 7 SP1 x64 (Vergilius Project _KTHREAD, 7601): InitialStack +0x28, StackLimit +0x30, KernelStack +0x38,
                // StackBase far down at +0x278; StackLimit 0x30 and StackBase 0x278 also in Bitdefender hvmi's offsets for 7601 x64
                // (cami/sources/windows/opaque_fields/km/windows_7601_x64_kpti_OFF.yaml, Thread).
                label: "Windows 7 x64",
                pointerSize: 8,
                maxBuild: 7601,
                size: 0x280,
                offsets: { InitialStack: 0x28, StackLimit: 0x30, StackBase: 0x278 },
                source: "Vergilius Project _KTHREAD x64 (Windows 7 SP1); hvmi 7601 x64 offsets",
            },
            // x86: not known here (no 32-bit layout in the research); resolveLayout says "no built-in layout for 32-bit targets".
        ],
    };
    /**
     * The most a thread's bounds may span before they are taken as garbage: 1 MB (x64 kernel stacks are KERNEL_STACK_SIZE
     * = 0x6000, large GUI-thread stacks KERNEL_LARGE_STACK_SIZE = 0x12000 in ntddk.h / the WRK; expanded stacks stay far below).
     */
    const MAX_KERNEL_STACK_BYTES = 0x100000;

    /** The byte range of the thread object to read: from the lowest field's offset to the end of the highest. */
    function threadStackSpan(layout, pointerSize) {
        const offsets = ["InitialStack", "StackLimit", "StackBase"].map((f) => layout.offsets[f]);
        const first = Math.min.apply(null, offsets);
        return { offset: first, length: Math.max.apply(null, offsets) + pointerSize - first };
    }
    /**
     * The bounds, or why they are not believable: StackLimit below StackBase, no more than MAX_KERNEL_STACK_BYTES apart,
     * InitialStack inside (StackLimit, StackBase]. A thread object that fails these is not a live thread's, or is damaged.
     */
    function decodeThreadStack(thread, bytes, layout, pointerSize) {
        const from = threadStackSpan(layout, pointerSize).offset;
        const field = (name) => pointer(bytes, layout.offsets[name] - from, pointerSize);
        const limit = field("StackLimit");
        const base = field("StackBase");
        const initial = field("InitialStack");
        const span = base.distanceFrom(limit);
        if (span === null || span === 0 || span > MAX_KERNEL_STACK_BYTES) {
            return { problem: "StackLimit " + limit.format(pointerSize) + " and StackBase " + base.format(pointerSize) + " do not bound a kernel stack" };
        }
        const belowInitial = initial.distanceFrom(limit);
        if (belowInitial === null || belowInitial === 0 || initial.compare(base) > 0) {
            return { problem: "InitialStack " + initial.format(pointerSize) + " is not inside the stack it bounds" };
        }
        return { thread, limit, base, initial };
    }

    // What a bugcheck means and where to look next: the code's name, each parameter's meaning, what the parameters
    // point at (exception records, pool headers), a verdict and commands to copy. Reads through a Target; no output.
    function triageBugCheck(target, bugcheck) {
        const named = codeName(bugcheck.code);
        const info = named.info;
        const w = {
            target,
            bugcheck,
            meanings: info ? info.parameters.slice() : ["Unknown", "Unknown", "Unknown", "Unknown"],
            findings: [],
            next: [],
            layouts: [],
            builtIn: [],
            verdict: null,
            code: named.base,
            driver: null,
            unloaded: null,
        };
        if (named.isM)
            w.findings.push(messages.triageMFlag(hex(bugcheck.code), hex(named.base)));
        applySubcode(w);
        try {
            const decoder = DECODERS[named.base];
            if (decoder)
                decoder(w);
        }
        catch (e) {
            // A decoder that stops still leaves the name, the parameters and what it found so far.
            w.findings.push(messages.triageDecoderStopped(e && e.message ? e.message : String(e)));
        }
        if (!w.verdict)
            w.verdict = info ? messages.triageNoDecoder(info.name) : messages.triageUnknownCode(hex(bugcheck.code));
        w.next.unshift({ Command: "!analyze -v", Why: "the debugger's own analysis of this bugcheck", toString: () => "!analyze -v" });
        const name = named.name;
        const parameters = bugcheck.parameters.map((value, i) => {
            const meaning = w.meanings[i];
            const label = "Arg" + (i + 1);
            return { Name: label, Value: value, Meaning: meaning, toString: () => label + ": " + value.format(target.pointerSize) + " " + meaning };
        });
        const verdict = w.verdict;
        const record = {
            Code: bugcheck.code,
            BaseCode: named.base,
            Name: name,
            Driver: w.driver,
            Parameters: nouned(parameters, "parameter", "parameters"),
            Findings: nouned(w.findings, "finding", "findings"),
            Verdict: verdict,
            NextCommands: nouned(w.next, "command", "commands"),
            Source: bugcheck.source,
            Layouts: nouned(w.layouts, "layout", "layouts"),
            toString: () => name + " (" + hex(bugcheck.code) + "): " + verdict,
        };
        return { record, builtInLayouts: w.builtIn };
    }
    /**
     * Names a collection's elements for dx ("4 parameters", not "4 entries"): the non-enumerable `collectionNoun`
     * property ([singular, plural]) that host/model.ts's toModel reads for a command-named array (the audit20 branch's
     * namedCollection sets the same property). Non-enumerable, so dx and LINQ never see it; the array is returned as is.
     */
    function nouned(items, singular, pluralNoun) {
        Object.defineProperty(items, "collectionNoun", { value: [singular, pluralNoun], enumerable: false });
        return items;
    }
    /** Notes a resolved layout: its full description for the record, and, when built-in, for the short Layout: line. */
    function noteLayout(w, resolved) {
        if (w.layouts.indexOf(resolved.description) < 0)
            w.layouts.push(resolved.description);
        if (resolved.origin === "built-in" && !w.builtIn.some((l) => l.typeName === resolved.typeName))
            w.builtIn.push(resolved);
    }
    /** For codes whose Arg1 is a subcode: its meaning and the meanings of Arg2..Arg4, or say it is unknown. */
    function applySubcode(w) {
        const table = SUBCODES[w.code];
        if (!table)
            return;
        const p1 = w.bugcheck.parameters[0];
        const sub = p1.hi === 0 ? table[p1.lo] : undefined;
        if (!sub) {
            w.findings.push(messages.triageUnknownSubcode(p1.toString(), referencePage(w.code)));
            return;
        }
        w.meanings[0] = "Subcode " + p1.toString() + ": " + sub.meaning;
        if (sub.parameters)
            for (let i = 0; i < 3; i++)
                w.meanings[i + 1] = sub.parameters[i];
    }
    const DECODERS = {
        0x154: decodeStoreException,
        0x7a: decodeKernelInpage,
        0x50: decodePageFault,
        0xc4: decodeVerifier,
        0xc2: decodeBadPoolCaller,
        0x19: decodeBadPoolHeader,
        0x1a: decodeMemoryManagement,
        0x1e: decodeExceptionBugcheck,
        0x7e: decodeExceptionBugcheck,
        0x8e: decodeExceptionBugcheck,
        0x3b: decodeExceptionBugcheck,
        0x139: decodeSecurityCheck,
        0x0a: decodeIrqlFault,
        0xd1: decodeIrqlFault,
        0xc5: decodeIrqlFault,
        0xcc: decodePageFault,
        0xcd: decodePageFault,
        0xd5: decodePageFault,
        0xd6: decodePageFault,
        0x13a: decodeHeapCorruption,
        0xc1: decodeSpecialPoolCorruption,
        0x4e: decodePfnList,
        0x12b: decodeFaultyPage,
    };
    /**
     * A structure the parameters point to that could not be read: in a dump, plainly "not in this dump" (a triage dump
     * keeps little beyond the crashed thread's stack); on a live session, what the read said (paged out, not mapped).
     */
    function notRead(w, what, at, from, unreadable) {
        return w.target.isDump ? messages.triageNotInDump(what, fmt(w, at), from) : messages.triageUnreadable(unreadable.describe(w.target.pointerSize));
    }
    function fmt(w, a) {
        return a.format(w.target.pointerSize);
    }
    function addNext(w, command, why) {
        for (const n of w.next)
            if (n.Command === command)
                return;
        w.next.push({ Command: command, Why: why, toString: () => command });
    }
    function layout(w, spec) {
        const t = w.target;
        const resolved = resolveLayout(spec, (m, name) => t.type(m, name), t.pointerSize, t.isKernel ? t.windowsBuild() : null);
        if (isLayoutMissing(resolved)) {
            w.findings.push(messages.triageNoLayout(spec.typeName, resolved.reason));
            return null;
        }
        noteLayout(w, resolved);
        return resolved;
    }
    // --- 0x154 UNEXPECTED_STORE_EXCEPTION ---
    // Assumption, from seed 004: on x64 Arg2 points at an EXCEPTION_POINTERS pair {ExceptionRecord*, ContextRecord*}.
    // There Arg2 was ffffe607`bc53df30 while !analyze -v followed `.exr ffffe607bc53eeb8` and `.cxr ffffe607bc53e6f0`,
    // and the same Arg2 is the second argument of nt!SMKM_STORE::SmStUnhandledExceptionFilter on the stack: an
    // exception filter, whose argument is EXCEPTION_POINTERS (_C_specific_handler calls it so).
    function decodeStoreException(w) {
        const t = w.target;
        const info = w.bugcheck.parameters[1];
        const pointersLayout = layout(w, EXCEPTION_POINTERS);
        if (!pointersLayout)
            return storeVerdict(w, null, null, false);
        const pointers = t.memory.read(info, pointersLayout.size, "EXCEPTION_POINTERS (Arg2)");
        if (pointers instanceof Unreadable) {
            w.findings.push(messages.triageUnreadable(pointers.describe(t.pointerSize)));
            addNext(w, "dq " + fmt(w, info) + " L2", "the exception record and context pointers, if another source has the page");
            return storeVerdict(w, null, null, false);
        }
        const ep = decodeExceptionPointers(pointers, pointersLayout, t.pointerSize);
        w.findings.push(messages.triageExceptionPointers(fmt(w, info), fmt(w, ep.ExceptionRecord), fmt(w, ep.ContextRecord)));
        addNext(w, ".exr " + fmt(w, ep.ExceptionRecord), "the exception record, as the debugger shows it");
        addNext(w, ".cxr " + fmt(w, ep.ContextRecord) + " ; k", "the registers and stack at the exception");
        let fault = null;
        let symbol = null;
        let code = null;
        const recordLayout = layout(w, EXCEPTION_RECORD);
        // A record or context that overlaps the EXCEPTION_POINTERS pair (a pointer back at Arg2 itself) is not one:
        // decoding it would show the pointers as an exception code and registers.
        const overlapsPointers = (at, size) => at.isWithin(info, pointersLayout.size) || info.isWithin(at, size);
        const recordLoops = recordLayout !== null && overlapsPointers(ep.ExceptionRecord, recordLayout.size);
        if (recordLoops)
            w.findings.push(messages.triagePointsIntoArg2("ExceptionRecord", fmt(w, ep.ExceptionRecord), fmt(w, info)));
        const record = recordLayout && !recordLoops ? t.memory.read(ep.ExceptionRecord, recordLayout.size, "EXCEPTION_RECORD") : null;
        if (record instanceof Unreadable)
            w.findings.push(notRead(w, "exception record", ep.ExceptionRecord, "ExceptionRecord of Arg2", record));
        else if (record && recordLayout) {
            const r = decodeExceptionRecord(record, recordLayout, t.pointerSize);
            code = r.ExceptionCode;
            symbol = symbolOrModuleOffset(t, r.ExceptionAddress);
            w.findings.push(messages.triageException(statusText(r.ExceptionCode), fmt(w, r.ExceptionAddress), symbol, r.ExceptionFlags, r.NumberParameters));
            if (r.countCapped)
                w.findings.push(messages.triageParameterCountCapped(r.NumberParameters));
            const params = r.Parameters.map((p, i) => "[" + i + "] " + fmt(w, p));
            if (params.length)
                w.findings.push(messages.triageExceptionParameters(params.join(", ")));
            fault = memoryFault(r);
            if (fault) {
                w.findings.push(messages.triageMemoryFault(fault.access, fmt(w, fault.address), fault.ioStatus === null ? null : statusText(fault.ioStatus)));
            }
        }
        const contextLayout = layout(w, t.pointerSize === 8 ? CONTEXT_X64 : CONTEXT_X86);
        const contextLoops = contextLayout !== null && overlapsPointers(ep.ContextRecord, contextBytesNeeded(contextLayout, t.pointerSize));
        if (contextLoops)
            w.findings.push(messages.triagePointsIntoArg2("ContextRecord", fmt(w, ep.ContextRecord), fmt(w, info)));
        if (contextLayout && !contextLoops) {
            const context = t.memory.read(ep.ContextRecord, contextBytesNeeded(contextLayout, t.pointerSize), "CONTEXT");
            if (context instanceof Unreadable)
                w.findings.push(notRead(w, "context record", ep.ContextRecord, "ContextRecord of Arg2", context));
            else {
                const c = decodeContext(context, contextLayout, t.pointerSize);
                w.findings.push(messages.triageContext(fmt(w, c.InstructionPointer), fmt(w, c.StackPointer)));
            }
        }
        const attached = attachedToMemCompression(w);
        storeVerdict(w, code, fault, attached || (!!symbol && /Decompress/i.test(symbol)));
    }
    /** Whether the bugchecking thread is attached to MemCompression, from `!thread` (see bugcheck/thread.ts). */
    function attachedToMemCompression(w) {
        const out = w.target.executeCommand("!thread");
        if (out.error) {
            w.findings.push(messages.triageThreadUnknown(out.error));
            return false;
        }
        const threads = parseThreadProcesses(out.lines);
        if (!threads.owning && !threads.attached && !threads.thread) {
            w.findings.push(messages.triageThreadUnknown("no THREAD or process lines in its output"));
            return false;
        }
        const attached = threads.attached;
        const yes = isMemCompression(attached);
        w.findings.push(attached
            ? messages.triageAttached(attached.image, attached.address ? fmt(w, attached.address) : "?", yes)
            : messages.triageNotAttached(threads.owning ? threads.owning.image : "?"));
        addNext(w, "!thread", "the thread that bugchecked, its owning and attached process");
        return yes;
    }
    function storeVerdict(w, code, fault, compressed) {
        if (code === 0xc0000006 && fault && fault.ioStatus !== null) {
            const status = NTSTATUS[fault.ioStatus];
            const advice = status && status.storageAdvice ? status.storageAdvice : messages.triageStorageAdviceUnknown();
            w.verdict = messages.triageStoreInpage(compressed, hex8(fault.ioStatus), status ? status.meaning : messages.triageUnnamedStatus(), advice);
            if (compressed)
                addNext(w, "Disable-MMAgent -MemoryCompression", "PowerShell (elevated) on the crashed machine: turns memory compression off, avoiding the store path");
            addNext(w, "!pte " + fmt(w, fault.address), "the page table entry of the address that could not be paged in");
            return;
        }
        if (code !== null) {
            w.verdict = messages.triageStoreOther(statusText(code));
            return;
        }
        w.verdict = messages.triageStoreUnknownException();
    }
    // --- 0x7A KERNEL_DATA_INPAGE_ERROR ---
    /** The three parameter layouts of MSD 0x7A (layouts.md §5). */
    function inpageLayout(p1, p3) {
        const small = p1.hi === 0 ? p1.lo : -1;
        if (small === 1 || small === 2 || (small === 3 && p3.isNull))
            return "lock";
        if (small === 3 || small === 4)
            return "inPageSupport";
        return "pte";
    }
    function decodeKernelInpage(w) {
        const [p1, p2, p3, p4] = w.bugcheck.parameters;
        const kind = inpageLayout(p1, p3);
        if (kind === "lock") {
            w.meanings = ["Lock type (" + p1.lo + ")", "Error status (NTSTATUS)", p1.lo === 1 ? "Current process" : "0", "Virtual address that could not be paged in"];
        }
        else if (kind === "inPageSupport") {
            w.meanings = ["Lock type (" + p1.lo + ")", "Error status (NTSTATUS)", "Address of the InPageSupport structure", "Faulting address"];
        }
        else {
            w.meanings = ["Address of the PTE", "Error status (NTSTATUS)", "Contents of the PTE", "Faulting address"];
        }
        w.findings.push(messages.triageInpageLayout(kind === "lock" ? "1 (lock type, process)" : kind === "inPageSupport" ? "2 (lock type, InPageSupport)" : "3 (PTE address and contents)"));
        const status = p2.lo;
        w.findings.push(messages.triageIoStatus(statusText(status)));
        w.findings.push(messages.triageNotPagedIn(fmt(w, p4)));
        const info = NTSTATUS[status];
        w.verdict = messages.triageKernelInpage(hex8(status), info ? info.meaning : messages.triageUnnamedStatus(), info && info.storageAdvice ? info.storageAdvice : messages.triageStorageAdviceUnknown());
        addNext(w, "!pte " + fmt(w, p4), "the page table entry of the address that could not be paged in");
        if (kind === "pte")
            addNext(w, "!pte " + fmt(w, p1), "the PTE the bugcheck names");
    }
    // --- 0x50 PAGE_FAULT_IN_NONPAGED_AREA ---
    /**
     * Arg2 of 0x50 and the special-pool page faults. Windows 10 debuggers describe it as the x64 page-fault error code
     * ("bit 0 set if the fault was due to a not-present PTE, bit 1 is set if the fault was due to a write, ... bit 4 ...
     * execute of a no-execute PTE", test/fixtures/analyze/analyze-systeminformer1525-x64-50.txt); Windows 7 and 8.1 ones
     * as "value 0 = read operation, 1 = write operation" (analyze-sia1918-win7, analyze-dokany46). Read by the build.
     */
    function pageFaultAccess(w, p2) {
        const build = w.target.windowsBuild();
        if (w.target.pointerSize === 8 && build !== null && build >= 10240 && p2.hi === 0)
            return p2.lo & 0x10 ? "execute" : p2.lo & 2 ? "write" : "read";
        return accessWord(p2, false);
    }
    function decodePageFault(w) {
        const [p1, p2, p3, p4] = w.bugcheck.parameters;
        const access = pageFaultAccess(w, p2);
        w.findings.push(messages.triageAccess(access || "unknown access (" + p2.toString() + ")", fmt(w, p1)));
        let a = null;
        if (!p3.isNull) {
            a = attribute(w, p3);
            if (a.driver)
                w.driver = a.driver;
            w.findings.push(messages.triageFaultingAt(fmt(w, p3), a.where));
            addNext(w, "ln " + fmt(w, p3), "the nearest symbol to the faulting instruction");
        }
        if (w.code === 0x50 && p4.hi === 0 && (p4.lo === 3 || p4.lo === 4))
            w.findings.push(messages.triageFaultType(p4.lo));
        const freed = w.code === 0xcc || w.code === 0xd5;
        const beyond = w.code === 0xcd || w.code === 0xd6;
        const kind = classify(w, p1, null, { freedSpecialPool: freed, beyondSpecialPool: beyond, threadStack: true });
        w.verdict = messages.triagePageFault(ACCESS_ING[access || ""] || "referencing", fmt(w, p1), kind.text, a ? a.driver : null, a ? a.where : null);
        addNext(w, "!pte " + fmt(w, p1), "whether the address was ever mapped");
        // Special pool is not the segment heap: !pool shows its page and the owner's tag on every build.
        if (freed || beyond)
            addNext(w, "!pool " + fmt(w, p1), "whether the address is (freed) pool, and its tag");
        else
            addressFollowUps(w, p1, kind);
        if ((freed || beyond) && a && a.driver && !a.unloaded)
            addNext(w, "!verifier 3 " + a.driver, "Driver Verifier's pool log for the driver: the block's allocation and free");
    }
    // --- 0xC4 DRIVER_VERIFIER_DETECTED_VIOLATION ---
    /** Which argument holds a pool address worth `!pool`, or a pointer to a _POOL_HEADER, per 0xC4 subcode (MSD table). */
    const VERIFIER_POOL_ADDRESS = { 0x10: 1, 0x11: 3, 0x12: 3, 0x15: 3, 0x16: 2, 0x17: 3, 0xcc: 2, 0xd2: 2, 0x13a: 1, 0x13b: 1, 0x13c: 1, 0x13d: 1, 0x13e: 1, 0x13f: 1 };
    const VERIFIER_POOL_HEADER = { 0x13: 2, 0x14: 2 };
    function decodeVerifier(w) {
        const p = w.bugcheck.parameters;
        const p1 = p[0];
        const subcode = p1.hi === 0 ? p1.lo : -1;
        const sub = subcode >= 0 ? SUBCODES[0xc4][subcode] : undefined;
        if (subcode === 0x62) {
            const count = p[3].isSafeNumber ? p[3].toNumber() : null;
            w.verdict = messages.triageVerifierLeak(count);
            addNext(w, "!unloadleaks", "the leaked allocations of the unloaded driver, by tag and size");
            addNext(w, "!verifier 3", "Driver Verifier's own view of the outstanding allocations");
            return;
        }
        let tag = null;
        if (VERIFIER_POOL_HEADER[subcode] !== undefined) {
            const header = p[VERIFIER_POOL_HEADER[subcode]];
            const facts = readPoolHeader(w, header, "the block");
            tag = facts ? facts.tag : null;
            addNext(w, "!pool " + fmt(w, header), "the pool page around the block, with each block's tag");
        }
        else if (VERIFIER_POOL_ADDRESS[subcode] !== undefined) {
            addNext(w, "!pool " + fmt(w, p[VERIFIER_POOL_ADDRESS[subcode]]), "the pool page around the address, with each block's tag");
        }
        w.verdict = sub ? messages.triageVerifier(sub.meaning + (tag ? " (block tagged '" + tag + "')" : "")) : messages.triageVerifierUnknown(p1.toString());
        if (subcode >= 0x1000 && subcode <= 0x100b)
            addNext(w, "!deadlock", "Driver Verifier's deadlock detection: the locks and threads involved");
        if (sub && sub.parameters && /!ruleinfo/.test(sub.parameters[1])) {
            addNext(w, "!ruleinfo " + hex(subcode) + " " + fmt(w, p[2]) + " " + fmt(w, p[3]), "the DDI compliance rule and its state");
        }
        if (subcode >= 0xa0 && subcode <= 0xa2)
            addNext(w, "!devobj " + fmt(w, p[2]), "the lower device that returned the bad sector");
        addNext(w, "!verifier", "Driver Verifier's settings and counters");
    }
    /** Reads the _POOL_HEADER at `header` (§2.4): the tag and the block size; a finding either way. */
    function readPoolHeader(w, header, block) {
        const l = layout(w, POOL_HEADER);
        if (!l)
            return null;
        const bytes = w.target.memory.read(header, l.size, "_POOL_HEADER");
        if (bytes instanceof Unreadable) {
            w.findings.push(messages.triageUnreadable(bytes.describe(w.target.pointerSize)));
            return null;
        }
        const field = poolBlockSizeField(w.target.pointerSize);
        const first = u32(bytes, 0);
        const blockSize = ((first >>> field.shift) & ((1 << field.bits) - 1)) * field.unit;
        const tag = asciiz(bytes, l.offsets.PoolTag, 4);
        w.findings.push(messages.triagePoolHeader(block, fmt(w, header), tag, blockSize));
        return { header, tag, blockSize };
    }
    /** The header in front of a block's data: the block address minus the header's size. */
    function readHeaderOfBlock(w, block) {
        const l = layout(w, POOL_HEADER);
        return l ? readPoolHeader(w, block.subtract(l.size), "block " + fmt(w, block)) : null;
    }
    function poolNext(w, address, facts) {
        addNext(w, "!pool " + fmt(w, address), "the pool page around the block, with each block's tag");
        if (facts && /^[A-Za-z0-9_]{1,4}$/.test(facts.tag))
            addNext(w, "!poolused 2 " + facts.tag, "how much pool the tag holds");
    }
    /** A pool tag carried in a parameter's low four bytes, as ExAllocatePoolWithTag takes it ('Leak' = 0x6b61654c). */
    function tagOfValue(value) {
        let text = "";
        for (let i = 0; i < 4; i++) {
            const c = (value.lo >>> (8 * i)) & 0xff;
            text += c >= 0x20 && c < 0x7f ? String.fromCharCode(c) : ".";
        }
        return text;
    }
    function decodeBadPoolCaller(w) {
        const p = w.bugcheck.parameters;
        const subcode = p[0].hi === 0 ? p[0].lo : -1;
        const sub = subcode >= 0 ? SUBCODES[0xc2][subcode] : undefined;
        let facts = null;
        if (subcode === 1 || subcode === 2 || subcode === 4) {
            facts = readPoolHeader(w, p[1], "the corrupt header");
            poolNext(w, p[1], facts);
        }
        else if (subcode === 6) {
            facts = readPoolHeader(w, p[2], "the block");
            poolNext(w, p[2], facts);
        }
        else if (subcode === 7) {
            facts = readHeaderOfBlock(w, p[3]);
            poolNext(w, p[3], facts);
        }
        else if (subcode === 0x0a) {
            w.findings.push(messages.triageWrongTag(tagOfValue(p[2]), tagOfValue(p[3])));
            poolNext(w, p[1], null);
        }
        else if (subcode === 0x09 || subcode === 0x0b || subcode === 0x0c || subcode === 0x0d || (subcode >= 0x40 && subcode <= 0x60) || subcode === 0x99) {
            const address = subcode === 0x09 ? p[3] : p[1];
            addNext(w, "!pool " + fmt(w, address), "what the address is: pool, freed pool, or no pool at all");
        }
        if (subcode === 6 || subcode === 7) {
            // The verdict says to enable special pool: the driver that allocates the tag (what !leaktag finds) and the exact
            // commands, so the next crash stops at the first free.
            const owner = facts ? tagOwner(w, facts.tag) : null;
            if (owner)
                w.driver = owner;
            w.verdict = messages.triageDoubleFree(facts ? facts.tag : null) + (owner ? " (the tag is allocated by " + owner + ")" : "");
            if (facts)
                addSpecialPool(w, facts.tag, owner);
            return;
        }
        w.verdict = sub ? messages.triageBadPoolCaller(sub.meaning + (facts ? " (block tagged '" + facts.tag + "')" : "")) : messages.triageNoDecoder("BAD_POOL_CALLER");
    }
    /** Which arguments of 0x19 are pool entries (headers), per subcode (MSD 0x19 table); 0x21/0x22 give the block. */
    const BAD_POOL_HEADER_ENTRIES = { 0x02: [1], 0x03: [1], 0x05: [1, 3], 0x06: [3], 0x07: [3], 0x08: [3], 0x09: [3], 0x0a: [1], 0x20: [1, 2] };
    function decodeBadPoolHeader(w) {
        const p = w.bugcheck.parameters;
        const subcode = p[0].hi === 0 ? p[0].lo : -1;
        const sub = subcode >= 0 ? SUBCODES[0x19][subcode] : undefined;
        let facts = null;
        const entries = BAD_POOL_HEADER_ENTRIES[subcode];
        if (entries) {
            for (const i of entries) {
                if (p[i].isNull)
                    continue;
                const read = readPoolHeader(w, p[i], "pool entry " + fmt(w, p[i]) + " (Arg" + (i + 1) + ")");
                if (!facts)
                    facts = read;
                poolNext(w, p[i], read);
            }
        }
        else if (subcode === 0x21 || subcode === 0x22) {
            facts = readHeaderOfBlock(w, p[1]);
            poolNext(w, p[1], facts);
        }
        // The old pool's header chain names the block before the damaged one (its usual writer).
        const named = facts ? facts.header : null;
        const n = named ? poolNeighbourFindings(w, named) : null;
        w.verdict = messages.triagePoolCorruption(sub ? sub.meaning : null, facts ? facts.tag : null) + (n && n.before ? messages.triagePoolBeforeSuffix(n.before, n.beforeOwner) : "");
        if (n && n.beforeOwner)
            w.driver = n.beforeOwner;
    }
    // --- 0x1A MEMORY_MANAGEMENT ---
    function decodeMemoryManagement(w) {
        const p = w.bugcheck.parameters;
        const subcode = p[0].hi === 0 ? p[0].lo : -1;
        const sub = subcode >= 0 ? SUBCODES[0x1a][subcode] : undefined;
        w.verdict = sub ? messages.triageMemoryManagement(sub.meaning) : messages.triageNoDecoder("MEMORY_MANAGEMENT");
        // Arguments the page names as a PTE or a pool block: commands to look at them.
        if (subcode === 0x411 || subcode === 0x41792)
            addNext(w, "!pte " + fmt(w, p[1]), "the corrupt PTE");
        if (subcode === 0x5200)
            addNext(w, "!pool " + fmt(w, p[1]), "the free pool block whose contents changed");
        if (subcode === 0x403 || subcode === 0x5003 || subcode === 0x31)
            addNext(w, "mdsched", "Windows Memory Diagnostic on the crashed machine: the page suggests a hardware error");
    }
    function hex(value) {
        return "0x" + value.toString(16).toUpperCase();
    }
    function hex8(value) {
        return ("00000000" + value.toString(16)).slice(-8);
    }
    /** The debugger's symbol for a code address, else `module+0x...` as WinDbg names it; null outside every module. */
    function symbolOrModuleOffset(target, address) {
        return target.symbolize(address).symbol || moduleOffsetName(address, target.modules());
    }
    /** Where a code address is: loaded module first, then the unloaded driver whose old range held it. */
    function attribute(w, address) {
        const t = w.target;
        const module = t.moduleContaining(address);
        if (module) {
            const offsetName = moduleOffsetName(address, [module]) || fmt(w, address);
            const s = t.symbolize(address);
            const source = formatSource(s);
            const symbol = s.symbol && s.symbol !== offsetName ? " (" + s.symbol + (source ? " at " + source : "") + ")" : "";
            return { where: offsetName + symbol, driver: module.fileName, unloaded: false };
        }
        // No module in the list (a trimmed or damaged module list): the debugger's own symbol may still name it.
        const s = t.symbolize(address);
        if (s.symbol) {
            const source = formatSource(s);
            const owner = s.symbol.replace(/!.*$/, "");
            return { where: s.symbol + (source ? " at " + source : ""), driver: owner === "nt" ? "ntoskrnl" : owner, unloaded: false };
        }
        const slot = unloadedContaining(w, address);
        if (slot)
            return { where: fmt(w, address) + ", inside the range " + slot.name + " occupied before it was unloaded", driver: slot.name + " (unloaded)", unloaded: true };
        return { where: fmt(w, address) + " (outside every loaded module)", driver: null, unloaded: false };
    }
    /** nt!MmUnloadedDrivers, read once per command: a pointer to MI_UNLOADED_DRIVERS entries, in one read. */
    function unloadedContaining(w, address) {
        if (w.unloaded === null) {
            w.unloaded = [];
            const t = w.target;
            const array = t.readGlobalPointer("nt", "MmUnloadedDrivers");
            const l = array instanceof Address && !array.isNull ? layout(w, UNLOADED_DRIVERS) : null;
            if (array === null) {
                w.findings.push(messages.triageUnloadedListMissing("nt!MmUnloadedDrivers was not found"));
            }
            else if (array instanceof Unreadable || array.isNull || !l) {
                w.findings.push(messages.triageUnloadedListMissing(array instanceof Unreadable ? array.describe(t.pointerSize) : "the list pointer is null"));
            }
            else {
                const bytes = t.memory.read(array, MI_UNLOADED_DRIVERS * l.size, "MmUnloadedDrivers");
                if (bytes instanceof Unreadable)
                    w.findings.push(messages.triageUnloadedListMissing(bytes.describe(t.pointerSize)));
                else {
                    const slots = decodeUnloadedDrivers(bytes, MI_UNLOADED_DRIVERS, l, t.pointerSize);
                    const slot = unloadedSlotContaining(slots, address);
                    if (slot) {
                        const nameBytes = slot.nameLength > 0 && slot.nameLength <= 512 ? t.memory.read(slot.nameBuffer, slot.nameLength, "unloaded driver name") : null;
                        const name = nameBytes && !(nameBytes instanceof Unreadable) ? driverNameFromUtf16(nameBytes) : "an unloaded driver (name unreadable)";
                        w.unloaded.push({ name: name || "an unloaded driver (no name)", start: slot.start, end: slot.end });
                    }
                }
            }
            if (w.unloaded.length === 0)
                addNext(w, "lm", "the loaded and the unloaded modules, as the dump records them");
        }
        for (const u of w.unloaded)
            if (address.compare(u.start) >= 0 && address.compare(u.end) < 0)
                return u;
        return null;
    }
    function classify(w, address, stackPointer, extra) {
        const t = w.target;
        const facts = { pointerSize: t.pointerSize, modules: t.modules(), unloaded: [], stackPointer, freedSpecialPool: extra && extra.freedSpecialPool, beyondSpecialPool: extra && extra.beyondSpecialPool };
        const first = classifyAddress(address, facts);
        // Only a kernel address outside every module is worth the unloaded-driver list's read.
        if (first.kind !== "kernel" && first.kind !== "stack")
            return first;
        const slot = unloadedContaining(w, address);
        if (slot)
            return classifyAddress(address, Object.assign(Object.assign({}, facts), { unloaded: [slot] }));
        if (first.kind !== "kernel")
            return first;
        // No stack pointer in the parameters (0x0A, 0xD1, 0x50): the current thread's own bounds say whether it is its stack.
        if (extra && extra.threadStack) {
            const stack = crashingThreadStack(w);
            const onStack = stack ? classifyAddress(address, Object.assign(Object.assign({}, facts), { threadStack: stack })) : null;
            if (onStack && onStack.kind !== "kernel") {
                addNext(w, "!thread " + fmt(w, stack.thread), "the crashing thread, its stack bounds and call stack");
                if (onStack.kind === "stack-overflow")
                    addNext(w, "kf", "the call stack with each frame's size: the frames that used the stack up");
                return onStack;
            }
        }
        const place = poolPlace(w, address);
        if (place)
            return describePoolPlace(place, (a) => fmt(w, a), sizeText);
        if (w.threadStackProblem)
            w.findings.push(messages.triageThreadStackUnknown(w.threadStackProblem));
        return first;
    }
    /**
     * The bugchecking thread's kernel stack bounds, read once: the thread `!thread` names (in a dump, the thread that
     * called KeBugCheckEx), then one read of its _KTHREAD's InitialStack, StackLimit and StackBase.
     */
    function crashingThreadStack(w) {
        if (w.threadStack !== undefined)
            return w.threadStack;
        w.threadStack = null;
        const t = w.target;
        const l = resolveLayout(KTHREAD_STACK, (m, name) => t.type(m, name), t.pointerSize, t.isKernel ? t.windowsBuild() : null);
        if (isLayoutMissing(l)) {
            w.threadStackProblem = "no layout for _KTHREAD (" + l.reason + ")";
            return null;
        }
        const out = t.executeCommand("!thread");
        const thread = out.error ? null : parseThreadProcesses(out.lines).thread;
        if (!thread || thread.isNull) {
            w.threadStackProblem = "!thread " + (out.error ? "failed (" + out.error + ")" : "named no thread");
            return null;
        }
        noteLayout(w, l);
        const span = threadStackSpan(l, t.pointerSize);
        const bytes = t.memory.read(thread.add(span.offset), span.length, "_KTHREAD stack bounds");
        if (bytes instanceof Unreadable) {
            w.threadStackProblem = t.isDump ? "the thread object at " + fmt(w, thread) + " is not in this dump" : bytes.describe(t.pointerSize);
            return null;
        }
        const decoded = decodeThreadStack(thread, bytes, l, t.pointerSize);
        if ("problem" in decoded) {
            w.threadStackProblem = "the thread object at " + fmt(w, thread) + " is damaged or not a thread: " + decoded.problem;
            return null;
        }
        w.findings.push(messages.triageThreadStack(fmt(w, thread), fmt(w, decoded.limit), fmt(w, decoded.base)));
        w.threadStack = decoded;
        return decoded;
    }
    /**
     * Where in the pool a kernel address outside every module is, when the pool's own records say: a live big
     * allocation (nt!PoolBigPageTable, read once, src/pool/bigpages.ts), else the pool block holding it (the lookup
     * 0x13A uses: the segment-heap subsegment's walk from 1809, the page's _POOL_HEADER chain before), with the tag's
     * owning driver. Claims nothing the walk could not confirm: an old-pool page only when its header chain runs intact
     * over the whole page, an unused stretch of a subsegment only when its walk met no problem.
     */
    function poolPlace(w, address) {
        const t = w.target;
        const big = readBigPages(t, parseTagPattern("*"));
        if (big.kind === "bigPages") {
            noteLayout(w, big.layout);
            for (const a of big.allocations) {
                const offset = address.distanceFrom(a.address);
                if (offset !== null && offset < Math.max(a.size, 1)) {
                    return { kind: "big", address: a.address, size: a.size, offset, tag: a.tag, pool: a.paged ? "Paged" : "NonPaged", owner: tagOwner(w, a.tag) };
                }
            }
        }
        else {
            // readBigPages names a missing symbol by its name alone, an unreadable read by what and where.
            const why = /^nt!\w+$/.test(big.reason) ? big.reason + " was not found" : big.reason;
            w.findings.push(messages.triagePoolWalkProblem("big page table", "not read: " + why));
        }
        const n = lookupPoolNeighbours(t, address);
        if (n.layout)
            noteLayout(w, n.layout);
        const c = n.containing;
        const trusted = n.method === "segment heap" ? n.problems.length === 0 : !!n.chainComplete;
        if (c && (n.method === "segment heap" || trusted)) {
            const after = address.distanceFrom(c.header);
            const offset = after !== null ? after : -(c.header.distanceFrom(address) || 0);
            if (c.busy)
                return { kind: "block", header: c.header, size: c.size, offset, tag: c.tag, owner: tagOwner(w, c.tag), method: n.method };
            return { kind: "free-block", header: c.header, size: c.size, offset, tag: c.tag };
        }
        if (!c && n.subsegment && trusted)
            return { kind: "unused", subsegment: n.subsegment };
        if (n.method === "pool page" && !trusted && n.problems.length === 0) {
            w.findings.push(messages.triagePoolWalkProblem(n.method, "the _POOL_HEADER chain of the page at " + fmt(w, address.alignDown(POOL_PAGE)) + " does not run intact to its end: not a small-block pool page, or a damaged one; not classified"));
        }
        for (const problem of n.problems.slice(0, 2))
            w.findings.push(messages.triagePoolWalkProblem(n.method, problem));
        return null;
    }
    /** The follow-ups for a referenced address: `!pool` where it works (never on a segment-heap block), `db` on a block. */
    function addressFollowUps(w, address, kind) {
        if (kind.kind === "big-pool")
            addNext(w, "!pool " + fmt(w, address), "the big allocation as the debugger shows it: its tag and pool");
        else if (kind.block)
            addNext(w, "db " + fmt(w, kind.block.header) + " L0x" + Math.min(kind.block.size, 0x400).toString(16), "the pool block's header and bytes");
        if ((kind.kind === "kernel" || kind.kind === "pool-free" || kind.kind === "pool-block") && !poolIsSegmentHeap(w.target)) {
            addNext(w, "!pool " + fmt(w, address), "whether the address is pool or freed pool, and its tag");
        }
    }
    function accessWord(value, bitfield) {
        if (value.hi !== 0)
            return null;
        if (bitfield)
            return value.lo & 8 ? "execute" : value.lo & 1 ? "write" : "read";
        return value.lo === 0 ? "read" : value.lo === 1 ? "write" : value.lo === 2 || value.lo === 8 ? "execute" : null;
    }
    const ACCESS_ING = { read: "reading", write: "writing", execute: "executing" };
    const EXCEPTION_SPECS = {
        0x1e: { record: -1, context: -1, trap: -1, infoInArgs: true },
        0x7e: { record: 2, context: 3, trap: -1, infoInArgs: false },
        0x8e: { record: -1, context: -1, trap: 2, infoInArgs: false },
        0x3b: { record: -1, context: 2, trap: -1, infoInArgs: false },
        0x139: { record: 2, context: -1, trap: 1, infoInArgs: false },
    };
    function decodeExceptionBugcheck(w) {
        const p = w.bugcheck.parameters;
        exceptionVerdict(w, EXCEPTION_SPECS[w.code], p[0].lo, p[1]);
    }
    function decodeSecurityCheck(w) {
        const p = w.bugcheck.parameters;
        const type = p[0].hi === 0 ? p[0].lo : -1;
        const sub = type >= 0 ? SUBCODES[0x139][type] : undefined;
        if (type === 3)
            w.findings.push(messages.triageListEntry());
        const hasRecord = !p[2].isNull;
        const r = hasRecord || !p[1].isNull ? exceptionParts(w, { record: hasRecord ? 2 : -1, context: -1, trap: p[1].isNull ? -1 : 1, infoInArgs: false }, 0xc0000409, Address.ZERO) : null;
        const where = r && r.attribution ? r.attribution : null;
        if (where && where.driver)
            w.driver = where.driver;
        w.verdict = messages.triageSecurityCheck(sub ? sub.meaning : "type " + p[0].toString(), where ? where.where : null, where ? where.driver : null, type === 3);
        if (type === 3 && where && where.driver)
            addSpecialPool(w, null, where.driver);
    }
    /** Reads what the spec points at; each structure the dump lacks is said plainly and the parameters are kept. */
    function exceptionParts(w, spec, code, address) {
        const t = w.target;
        const p = w.bugcheck.parameters;
        const out = { code, address, record: null, fault: null, ip: null, sp: null, attribution: null };
        if (spec.record >= 0) {
            const at = p[spec.record];
            const l = layout(w, EXCEPTION_RECORD);
            const bytes = l ? t.memory.read(at, l.size, "EXCEPTION_RECORD") : null;
            if (bytes instanceof Unreadable)
                w.findings.push(notRead(w, "exception record", at, "Arg" + (spec.record + 1), bytes));
            else if (bytes && l) {
                const r = decodeExceptionRecord(bytes, l, t.pointerSize);
                out.record = r;
                out.code = r.ExceptionCode;
                out.address = r.ExceptionAddress;
                w.findings.push(messages.triageExceptionRecord(statusText(r.ExceptionCode), fmt(w, r.ExceptionAddress), r.ExceptionFlags, r.NumberParameters));
                if (r.countCapped)
                    w.findings.push(messages.triageParameterCountCapped(r.NumberParameters));
                const f = memoryFault(r);
                if (f)
                    out.fault = { access: f.access, address: f.address };
            }
            addNext(w, ".exr " + fmt(w, at), "the exception record, as the debugger shows it");
        }
        if (spec.infoInArgs && code === 0xc0000005) {
            const access = accessWord(p[2], false);
            out.fault = { access: access || "unknown access", address: p[3] };
        }
        const frame = spec.context >= 0 ? { at: p[spec.context], arg: spec.context, spec: t.pointerSize === 8 ? CONTEXT_X64 : CONTEXT_X86, what: "context record", cmd: ".cxr " }
            : spec.trap >= 0 && t.pointerSize === 8 ? { at: p[spec.trap], arg: spec.trap, spec: KTRAP_FRAME_X64, what: "trap frame", cmd: ".trap " } : null;
        if (frame) {
            const l = layout(w, frame.spec);
            const bytes = l ? t.memory.read(frame.at, contextBytesNeeded(l, t.pointerSize), frame.spec.typeName) : null;
            if (bytes instanceof Unreadable)
                w.findings.push(notRead(w, frame.what, frame.at, "Arg" + (frame.arg + 1), bytes));
            else if (bytes && l) {
                const c = decodeContext(bytes, l, t.pointerSize);
                out.ip = c.InstructionPointer;
                out.sp = c.StackPointer;
                w.findings.push(messages.triageRegisters(frame.what, fmt(w, c.InstructionPointer), fmt(w, c.StackPointer)));
            }
            addNext(w, frame.cmd + fmt(w, frame.at) + " ; k", "the registers and the stack at the exception");
        }
        const faulting = !out.address.isNull ? out.address : out.ip;
        if (faulting) {
            out.attribution = attribute(w, faulting);
            w.findings.push(messages.triageFaultingAt(fmt(w, faulting), out.attribution.where));
        }
        if (out.fault)
            w.findings.push(messages.triageAccessViolation(out.fault.access, fmt(w, out.fault.address)));
        return out;
    }
    function exceptionVerdict(w, spec, code, address) {
        const r = exceptionParts(w, spec, code, address);
        const a = r.attribution;
        if (a && a.driver)
            w.driver = a.driver;
        let fault = null;
        if (r.fault) {
            const kind = classify(w, r.fault.address, r.sp);
            fault = (ACCESS_ING[r.fault.access] || r.fault.access) + " " + fmt(w, r.fault.address) + " (" + kind.text + ")";
            addressFollowUps(w, r.fault.address, kind);
            if (kind.kind !== "null" && kind.kind !== "minus-one" && kind.kind !== "non-canonical")
                addNext(w, "!pte " + fmt(w, r.fault.address), "whether the address was mapped");
        }
        w.verdict = messages.triageExceptionVerdict(exceptionWords(r.code), a ? a.driver : null, a ? a.where : null, fault, a ? a.unloaded : false);
        if (a && a.driver && !a.unloaded)
            addNext(w, "lmvm " + lmName(a.driver), "the driver's version, timestamp and path");
    }
    /** The name `lm` knows a module by: the file name's stem, except the kernel, which the debugger calls `nt`. */
    function lmName(fileName) {
        return isKernelImageName(fileName) ? "nt" : fileName.replace(/\.[^.]*$/, "");
    }
    /** "An access violation", "A breakpoint", or the code's name. */
    function exceptionWords(code) {
        if (code === 0xc0000005)
            return "An access violation";
        const info = NTSTATUS[code];
        return info ? "Exception " + hex8(code) + " " + info.name + " (" + info.meaning + ")" : "Exception " + hex8(code);
    }
    // --- 0x0A, 0xD1, 0xC5: a reference at too high an IRQL ---
    function decodeIrqlFault(w) {
        const [referenced, irql, operation, instruction] = w.bugcheck.parameters;
        const access = accessWord(operation, w.code === 0x0a) || "access";
        const a = instruction.isNull ? null : attribute(w, instruction);
        if (a) {
            w.findings.push(messages.triageFaultingAt(fmt(w, instruction), a.where));
            if (a.driver)
                w.driver = a.driver;
            addNext(w, "ln " + fmt(w, instruction), "the nearest symbol to the instruction");
        }
        const kind = classify(w, referenced, null, { threadStack: true });
        w.findings.push(messages.triageReferenced(fmt(w, referenced), kind.text, irql.lo));
        w.verdict = messages.triageIrqlVerdict(ACCESS_ING[access] || access, fmt(w, referenced), kind.text, irql.lo, a ? a.driver : null, a ? a.where : null, w.code === 0xc5);
        addNext(w, "!pte " + fmt(w, referenced), "whether the address was mapped (paged out at raised IRQL, or never valid)");
        addressFollowUps(w, referenced, kind);
        if (w.code === 0xc5 && a && a.driver && !a.unloaded)
            addSpecialPool(w, null, a.driver);
    }
    // --- 0x13A KERNEL_MODE_HEAP_CORRUPTION and the pool neighbours ---
    function decodeHeapCorruption(w) {
        const p = w.bugcheck.parameters;
        const type = p[0].hi === 0 ? p[0].lo : -1;
        const sub = type >= 0 ? SUBCODES[0x13a][type] : undefined;
        w.findings.push(messages.triageHeapCorruption(fmt(w, p[1]), fmt(w, p[2])));
        const n = poolNeighbourFindings(w, p[2]);
        w.verdict = messages.triageHeapVerdict(sub ? sub.meaning : "corruption type " + p[0].toString(), fmt(w, p[2]), n.containing, n.before, n.beforeOwner);
        if (n.beforeOwner)
            w.driver = n.beforeOwner;
    }
    /** The block an address is in and the block before it, their tags and owning drivers, and special pool on them. */
    function poolNeighbourFindings(w, address) {
        const t = w.target;
        const n = lookupPoolNeighbours(t, address);
        if (n.layout)
            noteLayout(w, n.layout);
        for (const problem of n.problems.slice(0, 5))
            w.findings.push(messages.triagePoolWalkProblem(n.method, problem));
        if (n.chainBrokenAt)
            w.findings.push(messages.triagePoolChainBroken(fmt(w, n.chainBrokenAt)));
        const describe = (b, role) => {
            if (!b)
                return null;
            w.findings.push(messages.triagePoolNeighbour(role, fmt(w, b.header), b.tag, b.size, b.busy));
            return b.tag;
        };
        const containing = describe(n.containing, "The block holding " + fmt(w, address));
        if (!n.containing && n.problems.length === 0)
            w.findings.push(messages.triageNoPoolBlock(fmt(w, address), n.method));
        const before = describe(n.before, "The block before it");
        const beforeOwner = before && n.before && n.before.busy ? tagOwner(w, before) : null;
        if (containing && containing !== before)
            tagOwner(w, containing);
        if (n.before)
            addNext(w, "db " + fmt(w, n.before.header) + " L0x" + Math.min(n.before.size + 0x20, 0x400).toString(16), "the block before, its end and the damaged header after it");
        if (n.method === "pool page")
            addNext(w, "!pool " + fmt(w, address), "the pool page around the address, with each block's tag");
        if (before && n.before && n.before.busy)
            addSpecialPool(w, before, beforeOwner);
        return { containing, before, beforeOwner };
    }
    /** The driver whose code uses the tag as an allocation tag (what !leaktag knows), as a finding; its file name or null. */
    function tagOwner(w, tag) {
        if (!/^[\x20-\x7e]{4}$/.test(tag))
            return null;
        const search = findTagOwners(w.target, tagBytes(tag));
        const owners = search.owners.filter((o) => o.module.name.toLowerCase() !== "nt" && !/^nt(oskrnl|krnl)/i.test(o.module.fileName));
        const best = owners.length ? owners[0] : search.owners.length ? search.owners[0] : null;
        // Images that could not be read were not searched: said, so a missing owner is not taken for none.
        if (search.notSearched.length)
            w.findings.push(messages.triageTagNotSearched(tag, search.notSearched.length, search.notSearched[0].module + " " + search.notSearched[0].section + ": " + search.notSearched[0].reason));
        if (!best) {
            w.findings.push(messages.triageTagNoOwner(tag, search.modulesSearched));
            return null;
        }
        const site = best.hits.length ? " at " + best.module.name + "+0x" + best.hits[0].rva.toString(16) : "";
        w.findings.push(messages.triageTagOwner(tag, best.module.fileName, best.confidence, site, owners.length > 1 ? owners.slice(1).map((o) => o.module.fileName) : []));
        for (const problem of best.problems.slice(0, 2))
            w.findings.push(messages.triageTagOwnerProblem(best.module.fileName, problem));
        return best.module.fileName;
    }
    /** The next step that catches the writer in the act: special pool on the driver (Driver Verifier) or on the tag. */
    function addSpecialPool(w, tag, driver) {
        // verifier /flags 0x1 /driver x.sys: "Verifier Command Line" (learn.microsoft.com/windows-hardware/drivers/devtest/
        // verifier-command-line), flag 0x1 = special pool; gflags /r +spp Tag: "GFlags Commands" and "Example 14: Configuring
        // Special Pool" (learn.microsoft.com/windows-hardware/drivers/debugger/), stored as the PoolTag registry value.
        if (driver && /^[A-Za-z0-9_.\-]{1,64}$/.test(driver)) {
            addNext(w, "verifier /flags 0x1 /driver " + driver, "on the crashed machine, then reboot: special pool for " + driver + " stops it at the bad write");
        }
        if (tag && /^[A-Za-z0-9_]{4}$/.test(tag)) {
            addNext(w, "gflags /r +spp " + tag, "on the crashed machine, then reboot: special pool for tag '" + tag + "' only");
        }
    }
    // --- 0xC1, 0x4E, 0x12B ---
    /** MSD bug-check-0xc1--special-pool-detected-memory-corruption: Parameter 4 values. */
    const SPECIAL_POOL_TYPES = {
        0x20: "the driver freed special pool that was not allocated",
        0x21: "the driver freed a bad address",
        0x22: "the driver freed a bad address",
        0x23: "the driver freed an address whose nearby bytes in the same page were overwritten (an overrun)",
        0x24: "the driver freed an address whose bytes before the allocation were overwritten (an underrun)",
        0x30: "the driver allocated pool at an incorrect IRQL",
        0x31: "the driver freed pool at an incorrect IRQL",
    };
    function decodeSpecialPoolCorruption(w) {
        const p = w.bugcheck.parameters;
        const type = p[3].hi === 0 ? p[3].lo : -1;
        const meaning = SPECIAL_POOL_TYPES[type];
        w.meanings[3] = "Type " + p[3].toString() + (meaning ? ": " + meaning : " (not in leaktools' table)");
        w.verdict = messages.triageSpecialPool(meaning || "violation type " + p[3].toString(), fmt(w, p[0]));
        addNext(w, "!pool " + fmt(w, p[0]), "the special pool page and its owner's tag");
        addNext(w, "!verifier 3", "Driver Verifier's view: which driver allocated the block");
    }
    function decodePfnList(w) {
        const p = w.bugcheck.parameters;
        const type = p[0].hi === 0 ? p[0].lo : -1;
        const sub = type >= 0 ? SUBCODES[0x4e][type] : undefined;
        const driverBug = type === 0x07 || type === 0x9a;
        w.verdict = messages.triagePfnList(sub ? sub.meaning : "subcode " + p[0].toString(), driverBug);
        if (driverBug)
            addNext(w, "verifier /standard /all", "on the crashed machine, then reboot: Driver Verifier catches the driver that unlocks pages wrongly");
        else
            addNext(w, "mdsched", "Windows Memory Diagnostic on the crashed machine: PFN corruption is often failing RAM");
    }
    function decodeFaultyPage(w) {
        const p = w.bugcheck.parameters;
        // Two parameter sets, told apart by whether Arg3 and Arg4 are zero (Microsoft's docs team, MicrosoftDocs/
        // windows-driver-docs issue 2100); only the first is documented. Real reports of the second (test/fixtures/analyze,
        // process MemCompression) carry an NTSTATUS-like ffffffff`c00002c4 in Arg1, so Arg1 is not read as an address there.
        if (!p[2].isNull || !p[3].isNull) {
            w.verdict = messages.triageFaultyPageSecondSet(fmt(w, p[0]), p[1].toString());
            w.findings.push(messages.triageFaultyPageSecondSetFinding(fmt(w, p[2]), fmt(w, p[3])));
        }
        else
            w.verdict = messages.triageFaultyPage(fmt(w, p[0]), p[1].toString());
        addNext(w, "!errrec", "the hardware error record (WHEA) behind the report");
        addNext(w, "mdsched", "Windows Memory Diagnostic on the crashed machine");
    }
    function triageUserException(target, e) {
        const ps = target.pointerSize;
        const next = [];
        const add = (command, why) => next.push({ Command: command, Why: why, toString: () => command });
        const findings = [];
        const module = target.moduleContaining(e.address);
        const offsetName = module ? moduleOffsetName(e.address, [module]) : null;
        const where = e.symbol ? shortSymbol(e.symbol) : offsetName || e.address.format(ps);
        findings.push(messages.triageUserException(statusText(e.code), e.address.format(ps), where, e.flags, e.parameters.length));
        const info = NTSTATUS[e.code];
        const words = e.code === 0xc0000005 ? "An access violation" : "Exception " + hex8(e.code) + (info ? " " + info.name + " (" + info.meaning + ")" : e.codeText ? " (" + e.codeText + ")" : "");
        const av = accessOf(e);
        let fault = null;
        if (av) {
            const kind = classifyAddress(av.address, { pointerSize: ps, modules: target.modules(), unloaded: [], stackPointer: null });
            // From user mode, an address in the upper half is the kernel's: the process may not touch it.
            const text = kind.kind === "kernel" || (kind.kind === "module" && av.address.hi >= 0x8000) ? "a kernel-space address, never valid from user mode"
                : kind.kind === "user" ? "an address of the process it could not touch: freed or never allocated, a stale or wild pointer"
                    : kind.text;
            fault = (av.access ? ACCESS_ING[av.access] : "accessing") + " " + av.address.format(ps) + " (" + text + ")";
            findings.push(messages.triageAccessViolation(av.access || "unknown access", av.address.format(ps)));
            if (kind.kind === "user") {
                // The heap block the address falls in, busy or free, and the block before it (issue 20's process heap walk).
                const walk = walkProcessHeaps(target, { includeFree: true, readFirstPointer: false });
                if (isHeapWalkFailure(walk))
                    findings.push(messages.triageHeapWalkFailed(walk.message));
                else {
                    // Layout provenance, once per distinct built-in layout (output conventions 2): nothing when ntdll's symbols gave it.
                    const seen = [];
                    for (const h of walk.heaps)
                        if (h.layout && /built-in/i.test(h.layout) && seen.indexOf(h.layout) < 0)
                            seen.push(h.layout);
                    for (const l of seen)
                        findings.push(messages.triageHeapLayout(l));
                    const lookup = blockContaining(walk, av.address);
                    for (const line of renderHeapLookup(lookup, av.address.format(ps), (a) => a.format(ps)))
                        findings.push(line);
                    for (const part of walk.notWalked.slice(0, 3))
                        findings.push(messages.triageHeapPartNotWalked(part.part, part.address ? part.address.format(ps) : "?", part.reason));
                    const c = lookup.containing;
                    if (c && !c.busy)
                        fault += messages.triageInFreedBlock(sizeText(c.size));
                    else if (c && c.offset >= c.size)
                        fault += messages.triagePastBusyBlock(sizeText(c.size));
                    if (c && c.stackRecord)
                        add("dt ntdll!_RTL_STACK_TRACE_ENTRY " + c.stackRecord.format(ps), "the allocation stack of the block (+ust)");
                }
                add("!heap -p -a " + av.address.format(ps), "the debugger's view of the block (with page heap: its allocation and free stacks)");
            }
            add("!address " + av.address.format(ps), "what the address is: heap, stack, image, or free");
        }
        const driver = module ? module.fileName : null;
        const verdict = messages.triageExceptionVerdict(words, driver, driver ? where : where, fault, false);
        add(".ecxr ; k", "the registers and the stack at the exception");
        if (module)
            add("lmvm " + module.name, "the module's version, timestamp and path");
        return {
            ExceptionCode: e.code,
            Name: info ? info.name : e.codeText || "exception " + hex8(e.code),
            Address: e.address,
            Driver: driver,
            Findings: nouned(findings, "finding", "findings"),
            Verdict: verdict,
            NextCommands: nouned(next, "command", "commands"),
            toString: () => verdict,
        };
    }

    /** The codes !crashtriage decodes beyond naming them, for !leaktools and the README (docs/readme/triage.md). */
    const COVERED_CODES = [0x0a, 0x19, 0x1a, 0x1e, 0x3b, 0x4e, 0x50, 0x7a, 0x7e, 0x8e, 0xc1, 0xc2, 0xc4, 0xc5, 0xcc, 0xcd, 0xd1, 0xd5, 0xd6, 0x12b, 0x139, 0x13a, 0x154];
    /** `!leaktools "crashtriage"`: arguments, result fields and examples. */
    const TRIAGE_HELP = {
        arguments: [{ name: "(none)", text: "reads the bugcheck (kernel dump) or the exception .exr -1 reports (user mode)" }],
        records: [
            { name: "Code, BaseCode, Name", text: "the code as reported (0x1000007e), without the _M flag (0x7e), and its name" },
            { name: "Driver", text: "the driver (user mode: the module) the verdict names, or null" },
            { name: "Parameters", text: "Arg1-Arg4: Name, Value, Meaning" },
            { name: "Findings", text: "what the parameters point at: exception record, context or trap frame, pool blocks, tags and owners" },
            { name: "Verdict, NextCommands", text: "the answer, and the commands to copy (Command, Why)" },
            { name: "Source, Layouts", text: "nt!KiBugCheckData or .bugcheck; each layout used and where it came from (symbols, or built-in and why)" },
            { name: "ExceptionCode, Address", text: "user mode: the exception's code and address; with Name, Driver (the module), Findings, Verdict, NextCommands" },
        ],
        examples: [
            { command: "!crashtriage", text: "the verdict first, then the parameters, the findings and one Next: block" },
            { command: "dx @$crashtriage().Driver", text: "the driver the crash points at" },
            { command: "dx @$crashtriage().NextCommands.Select(n => n.Command)", text: "the follow-ups alone" },
        ],
    };
    const triageCommand = {
        name: "crashtriage",
        takesNoArguments: true,
        usage: "!crashtriage",
        summary: "A bugcheck's verdict and the driver behind it; decodes " + COVERED_CODES.map((c) => (c < 0x10 ? "0" : "") + c.toString(16).toUpperCase()).join(" ") + " (and _M)",
        quietRepeats: true,
        help: TRIAGE_HELP,
        run(ctx, args) {
            const target = ctx.target;
            if (!target.isKernel)
                return userMode(ctx);
            const bugcheck = readBugCheck(target);
            if (!isBugCheck(bugcheck)) {
                if (bugcheck.kind === "unavailable") {
                    return none(ctx.out, messages.triageUnavailable(bugcheck.reason));
                }
                return none(ctx.out, messages.triageNoBugcheck(target.isDump ? "the dump records bugcheck code 0" : "this live session has not crashed"));
            }
            const triage = triageBugCheck(target, bugcheck);
            render(ctx.out, triage.record, triage.builtInLayouts, target.pointerSize);
            return triage.record;
        },
    };
    /**
     * User mode: the exception the debugger reports (`.exr -1`: the dump's exception stream, or the live process's last
     * event), decoded like a kernel exception bugcheck: code by name, the faulting module+offset, the address read or
     * written and what it is. No exception: the one-line answer.
     */
    function userMode(ctx) {
        const target = ctx.target;
        const out = target.executeCommand(".exr", "-1");
        const e = out.error ? null : parseExr(out.lines);
        if (!e)
            return none(ctx.out, messages.triageNoBugcheck("this user-mode session reports no exception (.exr -1 " + (out.error ? "failed" : "showed none") + ")"));
        const record = triageUserException(target, e);
        ctx.out.line(record.Verdict);
        ctx.out.line(messages.triageUserSource());
        for (const f of record.Findings)
            ctx.out.line("  " + f);
        ctx.out.lines(nextBlock(record.NextCommands.map((n) => ({ command: n.Command, why: n.Why }))));
        return record;
    }
    /** One line and no value: dx then shows nothing more. */
    function none(out, line) {
        out.line(line);
        return undefined;
    }
    function render(out, r, builtIn, pointerSize) {
        // The answer first (DESIGN.md, output conventions): the verdict, then the code and its parameters, then details.
        out.line(r.Verdict.charAt(0).toUpperCase() + r.Verdict.slice(1));
        const flag = r.Code !== r.BaseCode ? " (" + hex(r.Code) + " = " + hex(r.BaseCode) + " with the _M flag)" : "";
        out.line("Bugcheck " + hex(r.Code) + " " + r.Name + flag + " (from " + r.Source + ")");
        // Layout provenance after the answer, short and once per session per structure; !leaktools keeps the full reasons.
        for (const l of builtIn)
            out.lines(layoutNote(l));
        out.lines(renderTable([
            { header: "Arg", value: (p) => p.Name },
            { header: "Value", value: (p) => p.Value.format(pointerSize) },
            { header: "Meaning", value: (p) => p.Meaning },
        ], r.Parameters));
        if (r.Findings.length) {
            out.line("Findings:");
            for (const f of r.Findings)
                out.line("  " + f);
        }
        out.lines(nextBlock(r.NextCommands.map((n) => ({ command: n.Command, why: n.Why }))));
    }

    const ltlimitsCommand = {
        name: "ltlimits",
        usage: '!ltlimits [("name", n)]',
        summary: "Show the work limits of long commands; raise one for this session",
        help: {
            arguments: [
                { name: '("name", n)', text: "optional: a limit's name and its new value for this session (a whole number)" },
                { name: '"reset"', text: "every limit back to its default" },
            ],
            records: [{ name: "Limits", text: "every limit: Name, Value, Default, Ceiling, Commands, Reason" }],
            examples: [
                { command: "!ltlimits", text: "every limit, its value and why it exists" },
                { command: '!ltlimits ("maxModules", 2000)', text: "examine up to 2,000 modules in !findimporter and !leaktag" },
            ],
        },
        run(ctx, allArgs) {
            // An omitted argument arrives as undefined (reference §1); count only the ones given.
            let args = allArgs;
            while (args.length && args[args.length - 1] === undefined)
                args = args.slice(0, args.length - 1);
            const [name, value] = args;
            if (args.length === 1 && name === "reset") {
                resetWorkLimits();
                ctx.out.line(messages.ltlimitsReset());
            }
            else if (args.length === 1 || args.length === 2) {
                const limit = typeof name === "string" ? findWorkLimit(name) : null;
                if (!limit) {
                    ctx.out.line(messages.ltlimitsUsage("no limit is called " + describeArg(name), WORK_LIMITS.map((l) => l.name)));
                    return undefined;
                }
                const n = wholeNumber(value);
                if (n === null || n < 1 || n > limit.ceiling) {
                    ctx.out.line(messages.ltlimitsBadValue(limit.name, describeArg(value), limit.ceiling));
                    return undefined;
                }
                const before = workLimit(limit.name);
                setWorkLimit(limit.name, n);
                ctx.out.line(messages.ltlimitsSet(limit.name, before, n));
            }
            else if (args.length > 2) {
                ctx.out.line(messages.ltlimitsUsage("too many arguments", WORK_LIMITS.map((l) => l.name)));
                return undefined;
            }
            const records = WORK_LIMITS.map(record);
            const changed = records.filter((r) => r.Value !== r.Default).length;
            const summary = plural(records.length, "work limit") + (changed ? ", " + groupDigits(changed) + " changed for this session" : ", all at their defaults");
            if (args.length === 0)
                ctx.out.line(summary + ".");
            ctx.out.lines(renderTable([
                { header: "Limit", value: (r) => r.Name },
                { header: "Value", align: "right", value: (r) => shown(r.Name, r.Value) },
                { header: "Default", align: "right", value: (r) => shown(r.Name, r.Default) },
                { header: "Commands", value: (r) => r.Commands },
                { header: "Why", value: (r) => r.Reason },
            ], records));
            ctx.out.line(messages.ltlimitsHint());
            // Real values to type: the pool walk's cap doubled, and the way back.
            const pool = records.filter((r) => r.Name === "maxPoolBytesWalked")[0];
            const doubled = pool ? Math.min(pool.Value * 2, pool.Ceiling) : 0;
            const steps = [];
            if (pool && doubled > pool.Value)
                steps.push({ command: '!ltlimits ("maxPoolBytesWalked", ' + hex$2(doubled) + ")", why: '!poolallocs "Tag" may read up to ' + sizeText(doubled) + " of pool" });
            steps.push({ command: '!ltlimits "reset"', why: "every limit back to its default" });
            ctx.out.lines(nextBlock(steps));
            return { Limits: records, toString: () => summary };
        },
    };
    /** A limit's value as the table shows it: sizes as sizes (output conventions: sizeText), counts with digit groups. */
    function shown(name, value) {
        return /Bytes/.test(name) ? sizeText(value) : groupDigits(value);
    }
    function record(l) {
        const value = workLimit(l.name);
        return {
            Name: l.name,
            Value: value,
            Default: l.defaultValue,
            Ceiling: l.ceiling,
            Commands: l.commands,
            Reason: l.reason,
            toString: () => l.name + " = " + shown(l.name, value),
        };
    }
    /** A whole number from a dx number or a small Int64; null for anything else. */
    function wholeNumber(value) {
        switch (argKind(value)) {
            case "number":
                return Number.isInteger(value) ? value : null;
            case "int64": {
                const v = value;
                return v.getHighPart() === 0 ? v.getLowPart() >>> 0 : null;
            }
            default:
                return null;
        }
    }

    /** Modules sorted by base, for a binary search per value: thousands of blocks x 32 slots x hundreds of modules. */
    class ModuleIndex {
        constructor(modules) {
            this.sorted = modules.filter((m) => m.size > 0).slice().sort((a, b) => a.base.compare(b.base));
        }
        find(value) {
            let lo = 0;
            let hi = this.sorted.length - 1;
            while (lo <= hi) {
                const mid = (lo + hi) >> 1;
                const m = this.sorted[mid];
                if (value.compare(m.base) < 0)
                    hi = mid - 1;
                else if (value.isWithin(m.base, m.size))
                    return m;
                else
                    lo = mid + 1;
            }
            return null;
        }
    }
    /** Every 8-byte-aligned value of `data` that lies inside a module (x64 kernel: only canonical kernel addresses). */
    function findPointers(data, modules) {
        const hits = [];
        for (let offset = 0; offset + 8 <= data.length; offset += 8) {
            const value = u64Address(data, offset);
            if (value.hi < 0xffff8000)
                continue;
            const module = modules.find(value);
            if (!module)
                continue;
            hits.push({ offset, value, module, rva: value.distanceFrom(module.base) });
        }
        return hits;
    }
    /** `drv!CWidget::\`vftable'` -> `CWidget`: a pointer to a C++ vtable names its object's class. */
    function vftableClass(symbol) {
        const m = /^[^!]+!(.+)::`vftable'(?:\+0x0)?$/.exec(symbol);
        return m ? m[1] : null;
    }

    /** Windows 10 1809: the first kernel whose small pool blocks live in the segment heap (Scoop the Windows 10 pool!). */
    const SEGMENT_HEAP_POOL_BUILD = 17763;
    /** Allocation rows printed; dx @$poolallocs("Tag").Allocations has them all. */
    const ROWS_SHOWN = 20;
    /** Distinct pointer values symbolized with `u <address> L1` (one round trip each); the rest show module+offset. */
    const MAX_SYMBOLIZED_POINTERS = 64;
    /** Subsegment bytes above which the walk prints 10% progress steps (~2 s over KDNET at 8 MB/s). */
    const LARGE_WALK = 16 * 1024 * 1024;
    /** Page segments followed in one list at most: 2^20 segments of 1 MB is a terabyte of pool. */
    const MAX_SEGMENTS_PER_LIST = 0x100000;
    const poolallocsCommand = {
        name: "poolallocs",
        usage: '!poolallocs ("Tag"[, "all"])',
        summary: "Every live allocation of a tag, small blocks too, and the modules they point into",
        resultNoun: ["allocation", "allocations"],
        quietRepeats: true,
        keepsResult: true,
        help: {
            arguments: [
                { name: '"Tag"', text: "a pool tag of 1-4 characters in quotes (\"Leak\", \"Mdl \"), ? and * as wildcards" },
                { name: '"all"', text: "optional: walk every subsegment instead of stopping once the tracker's outstanding count is found" },
                { name: '"refresh"', text: "optional, last: walk the pool again instead of answering from the kept result" },
            ],
            records: [
                { name: "Allocations", text: "every live allocation found: Address, Size, UserSize, Pool, Kind, Header, Tag, Preview, PreviewOffset, Pointers" },
                { name: "Pointers", text: "per allocation, values that lead into a loaded module: Offset, Value, Target, Class" },
                { name: "Modules", text: "the modules the allocations point into, most allocations first: Module, Allocations, Bytes, Example" },
                { name: "TopSizes", text: "the sizes found most often: Size, Kind, Count, Bytes" },
                { name: "Tag, Outstanding", text: "the tag asked for and the tracker's outstanding count (null: no count)" },
                { name: "SubsegmentsWalked, SubsegmentsLeft, LeftBecause", text: "how much of the segment heap was read, and why the rest was not" },
                { name: "NotWalked", text: "each heap, segment or page that could not be read, and why" },
            ],
            examples: [
                { command: '!poolallocs "Leak"', text: "big allocations, then the segment heap until the tracker's count is found" },
                { command: '!poolallocs ("Leak", "all")', text: "walk every subsegment" },
                { command: 'dx @$poolallocs("Leak").Allocations.Where(a => a.Kind == "VS")', text: "the VS blocks, from the kept walk" },
                { command: 'dx @$poolallocs("Mdl ").Modules', text: "the modules the blocks point into, ranked" },
            ],
        },
        run(ctx, allArgs) {
            if (!ctx.target.isKernel) {
                ctx.out.line(messages.needsKernel("poolallocs"));
                return undefined;
            }
            let args = allArgs;
            while (args.length && args[args.length - 1] === undefined)
                args = args.slice(0, args.length - 1);
            const pattern = args.length >= 1 ? parseTagPattern(args[0]) : null;
            if (!pattern || args.length > 2 || (args.length === 2 && args[1] !== "all")) {
                const hint = typeof args[0] === "number" ? " (a tag made of digits needs quotes too)" : "";
                ctx.out.line(messages.poolallocsUsage((args.length ? args.map(describeArg).join(", ") : "nothing") + hint));
                return undefined;
            }
            return showAllocations(ctx, pattern, args.length === 2);
        },
    };
    /** The tracker's outstanding figures for the tag, or why there are none (then every heap is walked). */
    function trackerCount(ctx, pattern) {
        const read = readUsageOrSay(ctx.target, ctx.out);
        if (!read)
            return { unknown: "the tracker could not be read (above)" };
        const tracked = { count: 0, nonPaged: { count: 0, bytes: 0 }, paged: { count: 0, bytes: 0 } };
        let rows = 0;
        for (const u of read.usage.rows) {
            if (!pattern.matches(u.tag))
                continue;
            rows++;
            const np = read.usage.fromPoolused ? u.nonPagedAllocs : outstanding(u.nonPagedAllocs, u.nonPagedFrees);
            const p = read.usage.fromPoolused ? u.pagedAllocs : outstanding(u.pagedAllocs, u.pagedFrees);
            tracked.nonPaged.count += np;
            tracked.nonPaged.bytes += u.nonPagedBytes;
            tracked.paged.count += p;
            tracked.paged.bytes += u.pagedBytes;
        }
        // No row: the tag's counters are not kept (pool tagging off for it, a table partly unreadable), which is not a
        // count of 0; the early stop would otherwise stop before reading anything.
        if (rows === 0)
            return { unknown: "the tracker has no entry for '" + pattern.text + "'" + (read.usage.problems.length ? " (part of it could not be read, above)" : "") };
        tracked.count = tracked.nonPaged.count + tracked.paged.count;
        return { tracked };
    }
    function showAllocations(ctx, pattern, all) {
        const target = ctx.target;
        const out = ctx.out;
        const tagText = pattern.text.replace(/ +$/, "");
        // How the answer was reached goes after it (output conventions 1 and 2): everything the reads print is held here.
        const details = new BufferedPrinter(out);
        const dctx = { target, out: details };
        const count = trackerCount(dctx, pattern);
        const tracked = "tracked" in count ? count.tracked : null;
        if (tracked)
            details.line("Tracker: '" + pattern.text + "': " + poolText(tracked.nonPaged.count, tracked.nonPaged.bytes, tracked.paged.count, tracked.paged.bytes) + ".");
        // Big allocations first: one read of the table.
        const big = readBigPages(target, pattern);
        if (big.kind === "bigPagesMissing")
            details.line("Big pool allocations: not available (" + big.reason + ").");
        else {
            details.line("Big pool allocations (nt!PoolBigPageTable, " + groupDigits(big.entries) + " entries): " + groupDigits(big.allocations.length) + " live.");
            details.lines(layoutNote(big.layout));
            for (const p of big.problems)
                details.line("  " + p);
        }
        const bigAllocations = big.kind === "bigPages" ? big.allocations : [];
        // Small blocks: the segment heap, to the end when "all" was asked or the tracker gave no count.
        const stopAfter = all || !tracked ? null : Math.max(0, tracked.count - bigAllocations.length);
        const small = walkSmallBlocks({ target, out: details }, pattern, stopAfter, bigAllocations);
        const modules = new ModuleIndex(target.modules());
        const symbolize = symbolizer(target);
        const raw = [];
        for (const a of bigAllocations) {
            const bytes = target.memory.read(a.address, Math.min(KEPT_BYTES, Math.max(1, a.size)), "big allocation");
            raw.push({ address: a.address, size: a.size, userSize: a.size, pool: a.paged ? "Paged" : "NonPaged", kind: "Big", header: null, tag: a.tag, data: bytes instanceof Unreadable ? null : bytes });
        }
        for (const b of small.blocks)
            raw.push({ address: b.address, size: b.size, userSize: Math.max(0, b.size - POOL_HEADER_BYTES), pool: b.pool, kind: b.kind, header: b.header, tag: b.tag, data: b.data });
        const previewAt = differingOffset(raw.map((r) => r.data));
        const records = raw.map((r) => allocationRecord(target, r.address, r.size, r.userSize, r.pool, r.kind, r.header, r.tag, r.data, previewAt, modules, symbolize));
        const found = { NonPaged: { count: 0, bytes: 0 }, Paged: { count: 0, bytes: 0 } };
        const byKind = { LFH: 0, VS: 0, Big: 0 };
        for (const r of records) {
            found[r.Pool].count++;
            found[r.Pool].bytes += r.Size;
            byKind[r.Kind]++;
        }
        const moduleRows = pointedModules(records);
        // The answer.
        const pools = [];
        for (const pool of ["NonPaged", "Paged"])
            if (found[pool].count || (pool === "NonPaged" && !found.Paged.count))
                pools.push(groupDigits(found[pool].count) + " " + pool + ", " + sizeText(found[pool].bytes));
        out.line("Found: " + (tracked ? groupDigits(records.length) + " of the " + groupDigits(tracked.count) + " outstanding" : groupDigits(records.length)) + " '" + pattern.text + "' " +
            (records.length === 1 && !tracked ? "allocation" : "allocations") + ": " + pools.join("; ") + "; LFH " + groupDigits(byKind.LFH) + ", VS " + groupDigits(byKind.VS) + ", big " + groupDigits(byKind.Big) + ".");
        if (moduleRows.length) {
            out.line("They point into " + moduleRows.slice(0, 3).map((m, i) => m.Module + " (" + groupDigits(m.Allocations) + (i === 0 ? " of " + groupDigits(records.length) + "; " + m.Example : "") + ")").join(", ") +
                (moduleRows.length > 3 ? " and " + plural(moduleRows.length - 3, "more module") : "") + ".");
        }
        for (const line of walkLines(small, tracked, "unknown" in count ? count.unknown : null, records.length, tagText))
            out.line(line);
        if (tracked && !small.stoppedEarly && records.length !== tracked.count)
            out.line(messages.poolallocsDiffer(records.length, tracked.count, small.walked));
        const keeping = ctx.keeping ? ctx.keeping() : null;
        if (keeping && keeping.keptWhile)
            out.line(messages.poolallocsKept(tagText, all, keeping.keptWhile));
        else if (keeping && keeping.notKeptBecause)
            out.line(messages.poolallocsNotKept(keeping.notKeptBecause));
        if (records.length) {
            out.line("");
            if (previewAt > 0)
                out.line(messages.poolallocsCommonPrefix(previewAt, hexBytes(raw.find((r) => r.data && r.data.length >= previewAt).data.subarray(0, Math.min(previewAt, 16))) + (previewAt > 16 ? " ..." : "")));
            out.lines(allocationTable(target, records.slice(0, ROWS_SHOWN), previewAt));
            if (records.length > ROWS_SHOWN)
                out.line("  ... " + groupDigits(records.length - ROWS_SHOWN) + ' more: dx @$poolallocs("' + quoted(tagText) + '").Allocations');
            out.line("");
            out.line("Top sizes:");
            out.lines(renderTable([
                { header: "Size", align: "right", value: (s) => hex$2(s.Size) },
                { header: "Kind", value: (s) => s.Kind },
                { header: "Count", align: "right", value: (s) => groupDigits(s.Count) },
                { header: "Bytes", align: "right", value: (s) => sizeText(s.Bytes) },
            ], topSizes(records).slice(0, 5), "  "));
        }
        out.line("");
        if (moduleRows.length) {
            out.line("Modules the allocations point into (a second way to name the owner; it works for shared tags):");
            out.lines(renderTable([
                { header: "Module", value: (m) => m.Module },
                { header: "Allocations", align: "right", value: (m) => groupDigits(m.Allocations) },
                { header: "Bytes", align: "right", value: (m) => sizeText(m.Bytes) },
                { header: "Example", value: (m) => m.Example },
            ], moduleRows.slice(0, 10), "  "));
        }
        else if (records.length)
            out.line("No allocation holds a pointer into a loaded module in its first " + KEPT_BYTES + " bytes.");
        // How it was found.
        out.line("");
        out.lines(details.buffer);
        out.line("");
        out.lines(nextBlock(nextSteps$1(target, records, moduleRows, small, tagText)));
        return {
            Tag: pattern.text,
            Outstanding: tracked ? tracked.count : null,
            Allocations: records,
            Modules: moduleRows,
            TopSizes: topSizes(records),
            SubsegmentsWalked: small.subsegmentsWalked,
            SubsegmentsLeft: small.subsegmentsLeft,
            LeftBecause: small.leftBecause,
            NotWalked: small.problems.slice(),
            toString: () => "'" + pattern.text + "': " + plural(records.length, "allocation") + (small.subsegmentsLeft ? ", " + plural(small.subsegmentsLeft, "subsegment") + " left unread" : ""),
        };
    }
    /** The lines that say how much of the pool was walked, and why the rest was not. */
    function walkLines(small, tracked, noCount, found, tagText) {
        if (!small.walked)
            return small.notWalked ? [small.notWalked] : [];
        const lines = [];
        if (noCount)
            lines.push(messages.poolallocsNoCount(noCount));
        const left = small.subsegmentsLeft || 0;
        const total = small.subsegmentsWalked + left;
        if (small.stoppedEarly)
            lines.push(messages.poolallocsStopped(tracked ? tracked.count : found, small.subsegmentsWalked, total, left, sizeText(small.bytesLeft), tagText));
        else if (left === 0)
            lines.push("Walked all " + plural(total, "subsegment") + ", " + sizeText(small.bytesWalked) + ".");
        else
            lines.push("Walked " + groupDigits(small.subsegmentsWalked) + " of " + plural(total, "subsegment") + "; " + groupDigits(left) + " left unread at the cap on bytes walked (below).");
        return lines;
    }
    /** The first 8-byte boundary at which the kept bytes of the blocks differ; 0 when they differ at once, or are all alike. */
    function differingOffset(datas) {
        const present = datas.filter((d) => d !== null && d.length > 0);
        if (present.length < 2)
            return 0;
        const shortest = Math.min(...present.map((d) => d.length));
        const first = present[0];
        let same = 0;
        while (same < shortest && present.every((d) => d[same] === first[same]))
            same++;
        // Alike to the end of the shortest: nothing tells them apart in what was kept, so show their start.
        if (same >= shortest)
            return 0;
        return same - (same % 8);
    }
    function hexBytes(bytes) {
        const parts = [];
        for (let i = 0; i < bytes.length; i++)
            parts.push(("0" + bytes[i].toString(16)).slice(-2));
        return parts.join(" ");
    }
    /** Follow-ups with real values: the tag's usage and owner, the first block's pointers and bytes (its user size). */
    function nextSteps$1(target, records, moduleRows, small, tagText) {
        const steps = [{ command: '!leaktag "' + quoted(tagText) + '"', why: "the tag's usage and the driver whose code passes it to the allocator" }];
        if (small.stoppedEarly && small.subsegmentsLeft)
            steps.push({ command: '!poolallocs ("' + quoted(tagText) + '", "all")', why: "walk the " + plural(small.subsegmentsLeft, "subsegment") + " left unread too" });
        else if (small.stoppedEarly && !small.walked)
            steps.push({ command: '!poolallocs ("' + quoted(tagText) + '", "all")', why: "walk the segment heap anyway" });
        const first = records[0];
        if (first) {
            const at = target.formatAddress(first.Address);
            const user = Math.max(1, first.UserSize);
            steps.push({ command: "dps " + at + " L0x" + Math.max(1, Math.min(Math.floor(user / 8), 0x40)).toString(16), why: "the first block's pointers, with symbols" });
            steps.push({ command: "db " + at + " L0x" + Math.min(user, 0x1000).toString(16), why: user > 0x1000 ? "the first 0x1000 bytes of the first block" : "the first block's bytes (its user size, not into the next block)" });
            const bigOne = records.find((r) => r.Kind === "Big");
            // !pool reads a big allocation's entry in the big page table; on a segment-heap block it fails (README).
            if (bigOne)
                steps.push({ command: "!pool " + target.formatAddress(bigOne.Address), why: "the big page table's entry for the first big allocation" });
        }
        const example = moduleRows.length ? records.find((r) => r.Pointers.some((p) => p.Target.split(/[!+]/)[0] === moduleRows[0].Module)) : undefined;
        if (example) {
            const pointer = example.Pointers.filter((p) => p.Target.split(/[!+]/)[0] === moduleRows[0].Module)[0];
            steps.push({ command: "ln " + target.formatAddress(pointer.Value), why: "what in " + moduleRows[0].Module + " the blocks point to" });
        }
        return steps;
    }
    /** Resolves the layouts, reads the keys, walks metadata then subsegments, and prints what it did. */
    function walkSmallBlocks(ctx, pattern, stopAfter, big) {
        const target = ctx.target;
        const out = ctx.out;
        const tagText = pattern.text.replace(/ +$/, "");
        const empty = { blocks: [], walked: false, subsegmentsWalked: 0, subsegmentsLeft: null, bytesWalked: 0, bytesLeft: 0 };
        const none = (why) => (Object.assign(Object.assign({}, empty), { stoppedEarly: false, notWalked: messages.poolallocsSmallNotWalked(why, tagText), leftBecause: "small blocks not walked: " + why, problems: [why] }));
        const build = target.windowsBuild();
        if (target.pointerSize !== 8)
            return none("the segment-heap walk covers 64-bit kernels, and this one is 32-bit");
        if (build !== null && build < SEGMENT_HEAP_POOL_BUILD)
            return none("build " + build + " predates the segment-heap pool of Windows 10 1809 (build 17763), and leaktools does not walk the older pool");
        if (stopAfter === 0) {
            const why = "the big allocations account for every outstanding allocation the tracker counts";
            return Object.assign(Object.assign({}, empty), { stoppedEarly: true, notWalked: messages.poolallocsBigAccountForAll(tagText), leftBecause: why, problems: [] });
        }
        const layouts = resolveAll(target, build);
        if ("missing" in layouts)
            return none(layouts.missing + " (load nt's symbols: .symfix; .reload /f nt)");
        const stateAt = target.symbolAddress("nt", "ExPoolState");
        const globalsAt = target.symbolAddress("nt", "RtlpHpHeapGlobals");
        if (!stateAt || !globalsAt)
            return none("the symbol nt!" + (stateAt ? "RtlpHpHeapGlobals" : "ExPoolState") + " was not found (.symfix; .reload /f nt)");
        const g = layouts.layouts.globals.offsets;
        const keyBytes = target.memory.read(globalsAt, Math.max(g.HeapKey, g.LfhKey) + 8, "nt!RtlpHpHeapGlobals");
        if (keyBytes instanceof Unreadable)
            return none(keyBytes.describe(8));
        const keys = decodeKeys(keyBytes, layouts.layouts.globals);
        // Provenance once per session, short (output conventions 2): the full wording is in !leaktools.
        if (layouts.builtIn) {
            const count = Object.keys(SEGMENT_HEAP_LAYOUTS).length;
            const typeName = layouts.builtIn.typeName + (layouts.builtInCount > 1 ? " and " + (layouts.builtInCount - 1) + " more segment-heap types" : "");
            out.lines(layoutNote({ typeName, origin: "built-in", description: layouts.description, guessed: layouts.builtIn.guessed, variantLabel: layouts.builtIn.variantLabel }));
            if (layouts.builtInCount < count)
                out.line("  " + (count - layouts.builtInCount) + " of " + count + " segment-heap types from the symbols.");
        }
        const reader = readerOf(target);
        const problems = [];
        const heaps = readPoolHeaps(reader, stateAt, layouts.layouts, problems);
        if (!heaps)
            return none(problems.join("; "));
        const buildEncoding = encodingOfBuild(build);
        const meta = walkSegmentMetadata(reader, heaps, keys.heapKey, layouts.layouts, MAX_SEGMENTS_PER_LIST, buildEncoding);
        const encoding = meta.encoding || buildEncoding;
        if (meta.encoding && meta.encoding !== buildEncoding)
            out.line(messages.poolallocsEncodingNotBuild(meta.encoding, build));
        const subBytes = meta.subsegments.reduce((n, s) => n + s.size, 0);
        const lfh = meta.subsegments.filter((s) => s.kind === "LFH").length;
        out.line("Segment heap: " + plural(heaps.length, "heap") + " (" + heapNames(heaps) + "), " + plural(meta.segments, "page segment") + ", " +
            plural(meta.subsegments.length, "subsegment") + ": LFH " + groupDigits(lfh) + ", VS " + groupDigits(meta.subsegments.length - lfh) + ", " + sizeText(subBytes) + " in all.");
        const maxBytes = workLimit("maxPoolBytesWalked");
        let progress = null;
        // A block inside a big allocation's range is that allocation: a VS chunk serving it may put the data (or what the
        // walk takes for a pool header) at or just after the big page table's Va.
        const bigRanges = big.slice().sort((a, b) => a.address.compare(b.address));
        const insideBig = (address) => {
            let lo = 0;
            let hi = bigRanges.length - 1;
            while (lo <= hi) {
                const mid = (lo + hi) >> 1;
                const offset = address.distanceFrom(bigRanges[mid].address);
                if (offset === null)
                    hi = mid - 1;
                else if (offset < Math.max(1, bigRanges[mid].size))
                    return true;
                else
                    lo = mid + 1;
            }
            return false;
        };
        const blocks = walkSubsegments(reader, meta.subsegments, { heapKey: keys.heapKey, lfhKeyLow: keys.lfhKeyLow, encoding }, layouts.layouts, {
            pattern,
            stopAfter,
            listedAsBig: insideBig,
            maxBytes,
            onProgress: (done, total) => {
                if (!progress)
                    progress = new Progress(out, "Walking pool subsegments", Math.min(total, maxBytes), total >= LARGE_WALK, bytesOf);
                progress.update(done);
            },
        });
        out.line("Walked " + plural(blocks.subsegmentsWalked, "subsegment") + " of " + groupDigits(meta.subsegments.length) + ", " + sizeText(blocks.bytesWalked) + ", " + plural(blocks.busyBlocks, "busy block") + "; " +
            plural(blocks.blocks.length, "block") + " tagged '" + pattern.text + "'.");
        if (blocks.alsoBig > 0)
            out.line(messages.poolallocsAlsoBig(blocks.alsoBig));
        if (blocks.staleHeaders > 0)
            out.line(messages.poolallocsStaleHeaders(blocks.staleHeaders, pattern.text));
        const all = problems.concat(meta.problems, blocks.problems);
        const SHOWN = 20;
        for (const p of all.slice(0, SHOWN))
            out.line("  " + p);
        if (all.length > SHOWN)
            out.line("  ... " + (all.length - SHOWN) + ' more: dx @$poolallocs("' + quoted(tagText) + '").NotWalked');
        const capped = !blocks.stoppedEarly && blocks.notWalked > 0;
        if (capped)
            out.line(messages.poolallocsCap(blocks.notWalked, sizeText(maxBytes)));
        return {
            blocks: blocks.blocks,
            stoppedEarly: blocks.stoppedEarly,
            walked: true,
            notWalked: null,
            subsegmentsWalked: blocks.subsegmentsWalked,
            subsegmentsLeft: blocks.notWalked,
            bytesWalked: blocks.bytesWalked,
            bytesLeft: blocks.bytesNotWalked,
            leftBecause: blocks.notWalked === 0 ? "" : blocks.stoppedEarly ? "stopped once the tracker's outstanding count was found" : "the cap on bytes walked (maxPoolBytesWalked)",
            problems: all,
        };
    }
    function heapNames(heaps) {
        const nodes = new Set(heaps.filter((h) => h.node >= 0).map((h) => h.node)).size;
        const names = [];
        for (const h of heaps)
            if (names.indexOf(heapName(h)) < 0)
                names.push(heapName(h));
        return names.join(", ") + (nodes > 1 ? " on " + nodes + " nodes" : "");
    }
    function resolveAll(target, build) {
        const resolved = {};
        let fromSymbols = 0;
        let builtIn = null;
        for (const name of Object.keys(SEGMENT_HEAP_LAYOUTS)) {
            const layout = resolveLayout(SEGMENT_HEAP_LAYOUTS[name], (m, t) => target.type(m, t), 8, build);
            if (isLayoutMissing(layout))
                return { missing: "no layout for nt!" + layout.typeName + ": " + layout.reason };
            if (layout.origin === "symbols")
                fromSymbols++;
            else if (!builtIn)
                builtIn = layout;
            resolved[name] = layout;
        }
        const count = Object.keys(resolved).length;
        const description = fromSymbols === count ? "symbols (nt!_SEGMENT_HEAP and " + (count - 1) + " more types)"
            : builtIn.description + (fromSymbols ? "; " + fromSymbols + " of " + count + " types from the symbols" : "");
        return { layouts: resolved, description, builtIn, builtInCount: count - fromSymbols };
    }
    function readerOf(target) {
        return {
            read: (address, size, what) => target.memory.read(address, size, what, false),
            readPartial: (address, size) => target.memory.readPartial(address, size),
            format: (address) => target.formatAddress(address),
        };
    }
    /** `module!symbol+0x…` through `u <address> L1` for the first distinct values, `module+0x…` after that. */
    function symbolizer(target) {
        const cache = new Map();
        return (hit) => {
            let symbol = cache.get(hit.value.key);
            if (symbol === undefined) {
                symbol = cache.size < MAX_SYMBOLIZED_POINTERS ? target.symbolize(hit.value).symbol : null;
                cache.set(hit.value.key, symbol);
            }
            return symbol || hit.module.name + "+" + hex$2(hit.rva);
        };
    }
    function allocationRecord(target, address, size, userSize, pool, kind, header, tag, data, previewAt, modules, symbolize) {
        const pointers = data
            ? findPointers(data, modules).map((hit) => {
                const text = symbolize(hit);
                const cls = vftableClass(text);
                return { Offset: hit.offset, Value: hit.value, Target: text, Class: cls, toString: () => "+" + hex$2(hit.offset) + " " + target.formatAddress(hit.value) + " " + text };
            })
            : [];
        const preview = data ? previewText(data.subarray(Math.min(previewAt, data.length))) : "unreadable";
        return {
            Address: address,
            Size: size,
            UserSize: userSize,
            Pool: pool,
            Kind: kind,
            Header: header,
            Tag: tag,
            Preview: preview,
            PreviewOffset: data ? Math.min(previewAt, data.length) : 0,
            Pointers: pointers,
            toString: () => target.formatAddress(address) + " " + hex$2(size) + " " + pool + " " + kind + (pointers.length ? " -> " + pointers[0].Target : ""),
        };
    }
    /** The first 32 bytes as `db` shows them: hex, then ASCII with dots. */
    function previewText(data) {
        const n = Math.min(32, data.length);
        let hexText = "";
        let ascii = "";
        for (let i = 0; i < n; i++) {
            hexText += (i ? " " : "") + ("0" + data[i].toString(16)).slice(-2);
            ascii += data[i] >= 0x20 && data[i] < 0x7f ? String.fromCharCode(data[i]) : ".";
        }
        return hexText + "  " + ascii;
    }
    function allocationTable(target, rows, previewAt) {
        return renderTable([
            { header: "Address", value: (r) => target.formatAddress(r.Address) },
            { header: "Size", align: "right", value: (r) => hex$2(r.Size) },
            { header: "User", align: "right", value: (r) => hex$2(r.UserSize) },
            { header: "Pool", value: (r) => r.Pool },
            { header: "Kind", value: (r) => r.Kind },
            { header: "Header", value: (r) => (r.Header ? target.formatAddress(r.Header) : "-") },
            { header: previewAt > 0 ? "Bytes at +" + hex$2(previewAt) : "First bytes", value: (r) => shortPreview(r.Preview) },
            { header: "Points to", value: (r) => (r.Pointers.length ? r.Pointers[0].Target + (r.Pointers.length > 1 ? " (+" + (r.Pointers.length - 1) + " more)" : "") : "") },
        ], rows, "  ");
    }
    /** 16 bytes of hex and their ASCII, enough to tell records apart in a table; the record has all 32. */
    function shortPreview(preview) {
        const parts = preview.split("  ");
        if (parts.length < 2)
            return preview;
        return parts[0].split(" ").slice(0, 16).join(" ") + "  " + parts[1].slice(0, 16);
    }
    function topSizes(records) {
        const bySize = new Map();
        for (const r of records) {
            const key = r.Kind + ":" + r.Size;
            const row = bySize.get(key);
            if (row) {
                row.Count++;
                row.Bytes += r.Size;
            }
            else {
                const created = { Size: r.Size, Kind: r.Kind, Count: 1, Bytes: r.Size, toString: () => hex$2(created.Size) + " " + created.Kind + " x " + groupDigits(created.Count) + ", " + sizeText(created.Bytes) };
                bySize.set(key, created);
            }
        }
        const rows = [];
        bySize.forEach((r) => rows.push(r));
        return rows.sort((a, b) => b.Count - a.Count || b.Size - a.Size);
    }
    /** Modules ranked by how many allocations hold at least one pointer into them. */
    function pointedModules(records) {
        const rows = new Map();
        for (const r of records) {
            const seen = new Set();
            for (const p of r.Pointers) {
                const module = p.Target.split(/[!+]/)[0];
                if (seen.has(module))
                    continue;
                seen.add(module);
                const row = rows.get(module);
                if (row) {
                    row.Allocations++;
                    row.Bytes += r.Size;
                }
                else {
                    const created = {
                        Module: module,
                        Allocations: 1,
                        Bytes: r.Size,
                        Example: p.Target + (p.Class ? " (class " + p.Class + ")" : "") + " at +" + hex$2(p.Offset),
                        toString: () => created.Module + ": " + plural(created.Allocations, "allocation") + ", " + sizeText(created.Bytes),
                    };
                    rows.set(module, created);
                }
            }
        }
        const out = [];
        rows.forEach((r) => out.push(r));
        return out.sort((a, b) => b.Allocations - a.Allocations || (a.Module < b.Module ? -1 : 1));
    }
    function quoted(tag) {
        return tag.replace(/\\/g, "\\\\").replace(/"/g, '\\"');
    }

    // Records become data-model objects: addresses become host Int64 values (so dx shows them as addresses and LINQ
    // compares them), missing values become their description, and each record keeps its display string.
    const MAX_DEPTH = 8;
    /** What a record's named collection holds, by field name: dx shows `Blocks : 189 blocks`, not "189 entries". */
    const COLLECTION_NOUNS = {
        Allocations: ["allocation", "allocations"],
        Blocks: ["virtual block", "virtual blocks"],
        Stacks: ["stack", "stacks"],
        Importers: ["import slot", "import slots"],
        NotExamined: ["module", "modules"],
        Tags: ["tag", "tags"],
        Groups: ["group", "groups"],
        Owners: ["owner", "owners"],
        Hits: ["hit", "hits"],
        Frames: ["frame", "frames"],
        Stack: ["frame", "frames"],
        Heaps: ["heap", "heaps"],
        Commands: ["command", "commands"],
        BigAllocations: ["big allocation", "big allocations"],
        NotSearched: ["section range", "section ranges"],
        Moves: ["move", "moves"],
        Modules: ["module", "modules"],
        TopSizes: ["size", "sizes"],
        NotWalked: ["part not walked", "parts not walked"],
    };
    /**
     * A collection that names its own elements wins over its field name: `Blocks` holds virtual blocks in !virtblocks but
     * heap allocations in @$heapblocks. A command marks such an array with a non-enumerable `collectionNoun` property
     * ([singular, plural]); being non-enumerable, it is invisible to dx and LINQ.
     */
    const COLLECTION_NOUN_PROPERTY = "collectionNoun";
    /** Names `items`' elements for dx ("46 allocations") and returns the same array. */
    function namedCollection(items, singular, pluralNoun) {
        Object.defineProperty(items, COLLECTION_NOUN_PROPERTY, { value: [singular, pluralNoun], enumerable: false });
        return items;
    }
    function ownNoun(items) {
        const own = items[COLLECTION_NOUN_PROPERTY];
        return Array.isArray(own) && own.length === 2 && typeof own[0] === "string" && typeof own[1] === "string" ? [own[0], own[1]] : undefined;
    }
    /**
     * `noun` names a returned collection's elements (["virtual block", "virtual blocks"]). dx displays an array through its
     * toString, which for an array joins every element with commas (jsprovider-api.md §2.7): thousands of records on one
     * line. Each array gets a one-line toString instead ("189 virtual blocks") and stays an array, so LINQ still works.
     */
    function toModel(value, depth = 0, noun) {
        if (value === null || value === undefined)
            return value;
        if (value instanceof Address)
            return addressToHost(value);
        if (value instanceof Unreadable || value instanceof NotApplicable)
            return value.toString();
        if (typeof value !== "object")
            return value;
        if (depth > MAX_DEPTH)
            return String(value);
        if (Array.isArray(value)) {
            const out = value.map((v) => toModel(v, depth + 1));
            const names = ownNoun(value) || noun || ["entry", "entries"];
            const text = groupDigits(out.length) + " " + (out.length === 1 ? names[0] : names[1]);
            Object.defineProperty(out, "toString", { value: () => text, enumerable: false });
            return out;
        }
        const source = value;
        const out = {};
        for (const key of Object.keys(source))
            out[key] = toModel(source[key], depth + 1, COLLECTION_NOUNS[key]);
        const display = source.toString;
        if (typeof display === "function" && display !== Object.prototype.toString) {
            const text = String(display.call(source));
            Object.defineProperty(out, "toString", { value: () => text, enumerable: false });
        }
        return out;
    }

    /** The block's first pointer when it leads into a loaded image: what `Type` names. */
    function typePointerOf(block, inImage) {
        const p = block.firstPointer;
        return p && !p.isNull && inImage(p) ? p : null;
    }
    function sizeGroupKey(size, typePointer) {
        return "z:" + size.toString(16) + ":" + (typePointer ? typePointer.key : "-");
    }
    function stackGroupKey(record) {
        return "s:" + record.key;
    }
    /**
     * Groups blocks; largest Bytes first (then Allocations, then key, so equal groups keep one order run to run).
     * With `ust` false every block goes to a size group, even one that carries a record (the flag is what the user
     * set; a stray record on a heap created before the flag was cleared is not a stack the user asked for).
     */
    function groupBlocks(blocks, ust, inImage) {
        const groups = new Map();
        for (const block of blocks) {
            const type = typePointerOf(block, inImage);
            const record = ust && block.stackRecord && !block.stackRecord.isNull ? block.stackRecord : null;
            const key = record ? stackGroupKey(record) : sizeGroupKey(block.size, type);
            let group = groups.get(key);
            if (!group) {
                group = {
                    key,
                    stackRecord: record,
                    size: record ? null : block.size,
                    typePointer: record ? null : type,
                    allocations: 0,
                    bytes: 0,
                    example: block.address,
                    exampleSize: block.size,
                    types: record ? new Map() : null,
                };
                groups.set(key, group);
            }
            group.allocations++;
            group.bytes += block.size;
            if (group.types && type) {
                const seen = group.types.get(type.key);
                if (seen)
                    seen.count++;
                else
                    group.types.set(type.key, { pointer: type, count: 1 });
            }
        }
        const list = [];
        groups.forEach((g) => {
            let typePointer = g.typePointer;
            if (g.types) {
                g.types.forEach((t) => {
                    if (t.count * 2 > g.allocations)
                        typePointer = t.pointer;
                });
            }
            list.push({ key: g.key, stackRecord: g.stackRecord, size: g.size, typePointer, allocations: g.allocations, bytes: g.bytes, example: g.example, exampleSize: g.exampleSize });
        });
        return list.sort(byBytes);
    }
    function byBytes(a, b) {
        return b.bytes - a.bytes || b.allocations - a.allocations || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    }
    /**
     * The groups whose bytes grew since `before` (a group absent then grew from zero), largest growth first. A group
     * that only gained allocations of equal total size did not grow in bytes and is left out: the question is memory.
     */
    function groupGrowth(before, now) {
        const grown = [];
        let shrunk = 0;
        const present = new Set();
        for (const g of now) {
            present.add(g.key);
            const then = before.get(g.key);
            const deltaBytes = g.bytes - (then ? then.bytes : 0);
            const deltaAllocations = g.allocations - (then ? then.allocations : 0);
            if (deltaBytes > 0)
                grown.push({ group: g, deltaAllocations, deltaBytes });
            else if (deltaBytes < 0)
                shrunk++;
        }
        let gone = 0;
        before.forEach((_, key) => {
            if (!present.has(key))
                gone++;
        });
        grown.sort((a, b) => b.deltaBytes - a.deltaBytes || b.deltaAllocations - a.deltaAllocations || byBytes(a.group, b.group));
        return { grown, shrunk, gone };
    }
    function countsByKey(groups) {
        const map = new Map();
        for (const g of groups)
            map.set(g.key, { allocations: g.allocations, bytes: g.bytes });
        return map;
    }
    /** Bytes per second over the target's own clock; null when the clock was unreadable or did not move. */
    function ratePerSecond(delta, seconds) {
        return seconds !== null && isFinite(seconds) && seconds > 0 ? delta / seconds : null;
    }

    /** RtlCaptureStackBackTrace is called with at most 32 frames (DEC RtlpStackTraceDatabaseLogPrefix). */
    const MAX_STACK_DEPTH = 32;
    function recordOffsets(ps) {
        return ps === 8 ? { depth: 0xc, frames: 0x10 } : { depth: 0x8, frames: 0xc };
    }
    /** Frames from a record's bytes (at least the header); a problem when the depth is implausible or the bytes short. */
    function decodeStackRecord(bytes, ps, at) {
        const o = recordOffsets(ps);
        if (bytes.length < o.frames)
            return { problem: "the stack record at " + at + " is cut short" };
        const depth = depthOf(bytes, ps);
        if (depth < 1 || depth > MAX_STACK_DEPTH)
            return { problem: "the stack record at " + at + " has an implausible depth (" + depth + ")" };
        if (bytes.length < o.frames + depth * ps)
            return { problem: "the stack record at " + at + " is cut short" };
        const frames = [];
        for (let i = 0; i < depth; i++)
            frames.push(pointer(bytes, o.frames + i * ps, ps));
        return { frames };
    }
    /** The record's Depth, else an _RTL_STACK_TRACE_ENTRY's USHORT Depth (the DWORD's upper half), else the DWORD. */
    function depthOf(bytes, ps) {
        const at = recordOffsets(ps).depth;
        const dword = u32(bytes, at);
        if (dword >= 1 && dword <= MAX_STACK_DEPTH)
            return dword;
        const entryDepth = u16(bytes, at + 2);
        return entryDepth >= 1 && entryDepth <= MAX_STACK_DEPTH ? entryDepth : dword;
    }
    /** Reads records, each once: one read of the largest record, and only when that fails the header and its frames. */
    class StackRecordReader {
        /** `x86Records`: records of a WOW64 process's 32-bit heaps (ProcessHeapWalk.x86Records), read with 4-byte frames. */
        constructor(target, x86Records) {
            this.target = target;
            this.x86Records = x86Records;
            this.cache = new Map();
        }
        read(record) {
            const cached = this.cache.get(record.key);
            if (cached)
                return cached;
            const ps = this.x86Records && this.x86Records.has(record.key) ? 4 : this.target.pointerSize;
            const o = recordOffsets(ps);
            const at = record.format(ps);
            let result;
            const whole = this.target.memory.read(record, o.frames + MAX_STACK_DEPTH * ps, "stack trace record", false);
            if (!(whole instanceof Unreadable)) {
                result = decodeStackRecord(whole, ps, at);
            }
            else {
                // The record may end just before an unreadable page: read what it says it holds.
                const header = this.target.memory.read(record, o.frames, "stack trace record");
                if (header instanceof Unreadable)
                    result = { problem: header.describe(ps) };
                else {
                    const depth = depthOf(header, ps);
                    if (depth < 1 || depth > MAX_STACK_DEPTH)
                        result = decodeStackRecord(header, ps, at);
                    else {
                        const all = this.target.memory.read(record, o.frames + depth * ps, "stack trace record");
                        result = all instanceof Unreadable ? { problem: all.describe(ps) } : decodeStackRecord(all, ps, at);
                    }
                }
            }
            this.cache.set(record.key, result);
            return result;
        }
    }

    // Which frame of an allocation stack names the code that leaks (userheap-facts §10.5, DESIGN output convention 3):
    // the first frame outside the heap itself (ntdll, kernelbase/kernel32), the C runtime (ucrtbase, msvcrt, vcruntime,
    // msvcp) and the allocator wrappers. A stack through a library allocator, such as seed 001's
    //   ntdll!...  halcon!HXmalloc+0x8b  halcon!HXAllocRLTmp+0x265d  halcon!HXAllocTmp+0xa80  halcon!HCancelWait+0x7a
    // names halcon!HCancelWait+0x7a: the frames above the wrappers are what a user wants (as !unloadleaks does for pool
    // wrappers). Pure: frame text in, an index out.
    /** Modules whose frames are the allocator itself, never the caller; matched on the module name without extension. */
    const SYSTEM_ALLOCATOR_MODULES = [
        /^ntdll$/i,
        /^kernelbase$/i,
        /^kernel32$/i, // LocalAlloc / GlobalAlloc / HeapAlloc forwarders
        /^ucrtbased?$/i,
        /^msvcrt$/i,
        /^msvcr\d+d?$/i, // msvcr100, msvcr120 ...
        /^msvcp\d+(_\w+)?d?$/i, // std::allocator in msvcp140
        /^vcruntime\d+(_\d+)?d?$/i, // operator new in vcruntime140 / vcruntime140_1
        /^api-ms-win-crt-heap-/i,
        /^combase$/i, // CoTaskMemAlloc
        /^ole32$/i,
        /^oleaut32$/i, // SysAllocString
    ];
    /** Allocator entry points by name, in any module (a static CRT links them into the program itself). */
    const ALLOCATOR_FUNCTIONS = /^(operator new(\[\])?|operator delete|_?malloc(_base|_dbg)?|_?calloc(_base|_dbg|_impl)?|_?realloc(_base|_dbg)?|_recalloc|_aligned_malloc|_expand|heap_alloc|_heap_alloc(_base|_dbg)?|_nh_malloc(_dbg)?|RtlAllocateHeap|HeapAlloc|HeapReAlloc|LocalAlloc|GlobalAlloc|CoTaskMemAlloc|SysAllocString\w*|std::_Allocate\w*|std::allocator<.*>::allocate)$/;
    /**
     * The rule for wrappers the list cannot know (a library's own allocator: halcon!HXmalloc, app!MyAlloc): a function
     * whose own name, after any namespace or class, contains "alloc" (malloc, Alloc, allocate) or is `operator new`.
     * A function named so that is not an allocator costs one frame of precision, never the answer: when every frame
     * matches, the first frame outside the system modules is taken.
     */
    const WRAPPER_NAME = /alloc|^operator new/i;
    /** Splits the frame text we print (`module!symbol+0x..`, `module+0x..`, `0x... (JIT? ...)`). */
    function frameName(text) {
        const bang = /^([A-Za-z0-9_.$\-]+)!(.*?)(?:\+0x[0-9a-fA-F]+)?(?: \[.*\])?$/.exec(text);
        if (bang)
            return { module: bang[1], func: bang[2].trim() || null };
        const plain = /^([A-Za-z0-9_.$\-]+)\+0x[0-9a-fA-F]+$/.exec(text);
        if (plain && !/^0x/i.test(plain[1]))
            return { module: plain[1], func: null };
        return { module: null, func: null };
    }
    function isSystemAllocatorModule(module) {
        if (!module)
            return false;
        const stem = module.replace(/\.(dll|exe)$/i, "");
        return SYSTEM_ALLOCATOR_MODULES.some((r) => r.test(stem));
    }
    /** The function's own name: `ns::Class::Method` -> `Method`, templates left whole. */
    function ownName(func) {
        if (/^operator /.test(func))
            return func;
        const depthless = func.replace(/<[^<>]*>/g, "<>");
        const parts = depthless.split("::");
        return parts[parts.length - 1];
    }
    function isAllocatorWrapper(frame) {
        if (!frame.func)
            return false;
        if (ALLOCATOR_FUNCTIONS.test(frame.func))
            return true;
        return WRAPPER_NAME.test(ownName(frame.func));
    }
    /**
     * The index of the caller frame in `frames` (innermost first), or -1 for an empty stack. Frames in the system
     * allocator modules and the allocator wrappers are passed over; when nothing is left the first frame outside the
     * system modules is the caller, and when the whole stack is system code, its outermost frame.
     */
    function callerIndex(frames) {
        if (frames.length === 0)
            return -1;
        const names = frames.map(frameName);
        // The wrappers are the run of allocator-named frames from the innermost non-system frame outwards: an app
        // function called "AllocateImage" further out, after a plain frame, is not passed over.
        let firstOutsideSystem = -1;
        let lastWrapper = -1;
        for (let i = 0; i < names.length; i++) {
            if (isSystemAllocatorModule(names[i].module))
                continue;
            if (firstOutsideSystem < 0)
                firstOutsideSystem = i;
            if (!isAllocatorWrapper(names[i]))
                break;
            lastWrapper = i;
        }
        if (firstOutsideSystem < 0)
            return frames.length - 1;
        for (let i = lastWrapper + 1; i < names.length; i++)
            if (!isSystemAllocatorModule(names[i].module))
                return i;
        return firstOutsideSystem;
    }

    // The 32-bit PEB of a WOW64 process seen through its 64-bit view, so that its 32-bit heaps (PEB32.ProcessHeaps) can be
    // walked with the x86 layouts over the same memory (Target.x86View).
    //
    // Where it is: the 32-bit TEB lies at TEB64 + ROUND_TO_PAGES(sizeof(TEB64)), 0x2000 on x64 (WOW64_GET_TEB32 in
    // wow64's own headers as phnt ntwow64.h and the NT sources quote them), and TEB64.NtTib.ExceptionList holds its address
    // too (WOW64_TEB32_POINTER_ADDRESS, same headers). The TEB32 is checked by its own NT_TIB.Self (+0x18, x86 NT_TIB:
    // ExceptionList, StackBase, StackLimit, SubSystemTib, FiberData, ArbitraryUserPointer, Self), and its
    // ProcessEnvironmentBlock (+0x30) is the PEB32 (research/userheap-facts.md §1: HeapStat's GetPebAddress reads it the
    // same way). The PEB32's fields are the x86 _PEB's (research/layouts.md §1.5: NtGlobalFlag 0x68, NumberOfHeaps 0x88,
    // ProcessHeaps 0x90).
    /** WOW64_GET_TEB32: ROUND_TO_PAGES(sizeof(TEB64)), 0x1818 (Windows 7) to 0x1838 (Windows 10/11) rounded up. */
    const TEB32_FROM_TEB64 = 0x2000;
    const TIB32_SELF = 0x18;
    const TEB32_PEB = 0x30;
    /** The PEB32 through the current thread's TEB64, or why it could not be found. */
    function findWow64Peb(target) {
        const teb64 = target.tebAddress();
        if (!teb64)
            return { problem: "the current thread's TEB is not known (neither its EnvironmentBlock nor @$teb)" };
        const candidates = [teb64.add(TEB32_FROM_TEB64)];
        // TEB64.NtTib.ExceptionList: the same TEB32 by the second route, used when the first does not check.
        const link = target.memory.read(teb64, 8, "TEB64.NtTib.ExceptionList");
        if (!(link instanceof Unreadable)) {
            const other = new Address(u32(link, 4), u32(link, 0));
            if (!other.isNull && !other.equals(candidates[0]))
                candidates.push(other);
        }
        let why = "";
        for (const teb32 of candidates) {
            const bytes = target.memory.read(teb32, TEB32_PEB + 4, "TEB32");
            if (bytes instanceof Unreadable) {
                why = why || "the 32-bit TEB at " + teb32.format(8) + " is unreadable (" + bytes.describe(8) + ")";
                continue;
            }
            if (teb32.hi !== 0 || u32(bytes, TIB32_SELF) !== teb32.lo) {
                why = why || "the 32-bit TEB expected at " + teb32.format(8) + " does not point to itself (NT_TIB.Self is 0x" + u32(bytes, TIB32_SELF).toString(16) + ")";
                continue;
            }
            const peb32 = new Address(0, u32(bytes, TEB32_PEB));
            if (!isPlausibleUserAddress(peb32, 4))
                return { problem: "the 32-bit TEB at " + teb32.format(8) + " gives 0x" + peb32.toHex() + " as its PEB, not a 32-bit user address" };
            return { teb32, peb32 };
        }
        return { problem: why };
    }

    /** Blocks after which a walk is worth 10% progress steps (tens of thousands of headers are seconds over KDNET). */
    const LARGE_WALK_BLOCKS = 20000;
    /** The NotWalked part that stands for a WOW64 process's 32-bit heaps when they could not be walked. */
    const WOW64_PART = "32-bit heaps (WOW64)";
    /** The layout words of a heap walked through the 32-bit PEB of a WOW64 process. */
    const WOW64_LAYOUT = "32-bit (WOW64)";
    /**
     * A WOW64 process seen as 64-bit: wow64.dll, wow64cpu.dll or wow64win.dll are loaded only into 32-bit processes on
     * 64-bit Windows (Microsoft, "WOW64 Implementation Details"). Its PEB.ProcessHeaps then lists only the 64-bit heaps;
     * the program's own heaps are in the 32-bit PEB, with 32-bit headers.
     */
    function isWow64View(target) {
        if (target.pointerSize !== 8)
            return false;
        for (const m of target.modules())
            if (/^wow64(cpu|win)?\.dll$/i.test(m.fileName))
                return true;
        return false;
    }
    /** Said after a reason that names an ntdll symbol of a 32-bit heap. */
    const WOW64_NTDLL_NOTE = "for this 32-bit heap: the 32-bit ntdll, C:\\Windows\\SysWOW64\\ntdll.dll, which the 64-bit debugger lists as ntdll_<base>";
    /**
     * The 32-bit PEB (wow64.ts) and its heap list, read through Target.x86View. The module list of a WOW64 session holds
     * both ntdlls (System32's and SysWOW64's, the latter what the 32-bit code calls): the 32-bit one is found by its path
     * and named as WinDbg names the second module of one name, `ntdll_<base>`, for its symbols (RtlpLFHKey,
     * RtlpStackTraceDataBase).
     */
    function wow64Side(target) {
        const found = findWow64Peb(target);
        if ("problem" in found)
            return found;
        let ntdll32 = null;
        for (const m of target.modules()) {
            if (/\\syswow64\\ntdll\.dll$/i.test(m.path) && m.base.hi === 0)
                ntdll32 = "ntdll_" + ("00000000" + m.base.lo.toString(16)).slice(-8);
        }
        const view = target.x86View(found.peb32, ntdll32);
        const list = readProcessHeaps(view, found.peb32, heapConstants(4));
        if (list instanceof Unreadable)
            return { problem: "the 32-bit PEB at " + found.peb32.format(8) + " (from the 32-bit TEB at " + found.teb32.format(8) + ") is unreadable (" + list.describe(8) + ")" };
        return { view, peb32: found.peb32, list };
    }
    /** The PEB of the current user-mode process, or the line that says why there is none (kernel session, no PEB). */
    function userProcess(target, name) {
        if (target.isKernel)
            return { problem: messages.heapNeedsProcess(name) };
        const peb = target.pebAddress();
        return peb ? peb : { problem: messages.virtblocksNoPeb() };
    }
    /** The heap argument as an address; `undefined` for none; the usage line for anything else. */
    function heapArg(value) {
        if (argKind(value) === "missing")
            return undefined;
        const heap = argKind(value) === "string" ? null : addressArg$1(value);
        return heap ? heap : { problem: messages.heapblocksUsage(describeArg(value)) };
    }
    /** The executable's name (the first .exe in the module list), for `gflags /i <name> +ust`. */
    function imageNameOf(target) {
        for (const m of target.modules())
            if (/\.exe$/i.test(m.fileName) && /^[A-Za-z0-9_.\- ]{1,80}$/.test(m.fileName))
                return m.fileName;
        return "app.exe (your executable's name)";
    }
    /**
     * Marks what a walk through the 32-bit view found: its heaps' layout words, its blocks' stack records as 4-byte, and
     * "ntdll" in its parts' reasons as the 32-bit ntdll.
     */
    function markX86(walk, from, blocksFrom, notWalkedFrom) {
        for (let i = notWalkedFrom; i < walk.notWalked.length; i++) {
            const n = walk.notWalked[i];
            if (/ntdll!/.test(n.reason))
                walk.notWalked[i] = { heap: n.heap, part: n.part, address: n.address, reason: n.reason + " (" + WOW64_NTDLL_NOTE + ")" };
        }
        for (let i = from; i < walk.heaps.length; i++) {
            const h = walk.heaps[i];
            // The types the debugger has for "ntdll" are the 64-bit ntdll's: the built-in x86 layouts are used (x86View).
            h.layout = WOW64_LAYOUT + ", x86 layouts built in (the session's ntdll types are the 64-bit ntdll's)" + (h.layout ? "; " + h.layout : "");
        }
        const records = walk.x86Records || (walk.x86Records = new Set());
        for (let i = blocksFrom; i < walk.blocks.length; i++) {
            const r = walk.blocks[i].stackRecord;
            if (r && !r.isNull)
                records.add(r.key);
        }
    }
    /**
     * Walks every heap of the process one at a time, so that a progress line can follow a long walk, or only the heap
     * given (the walker checks that it is one). A WOW64 process's 32-bit heaps (its PEB32's list) are walked after the
     * 64-bit ones through a 4-byte view of the same target. A problem line when there is nothing to walk.
     */
    function walkHeaps(target, out, peb, only, options) {
        const ps = target.pointerSize;
        const list = readProcessHeaps(target, peb, heapConstants(ps));
        if (list instanceof Unreadable)
            return { problem: messages.unreadable("the PEB's heap list", list.address.format(ps)) };
        const side = isWow64View(target) ? wow64Side(target) : null;
        const wow64 = side && !("problem" in side) ? side : null;
        if (only) {
            // A handle from the 32-bit PEB's list is walked as the 32-bit heap it is.
            const x86 = wow64 !== null && wow64.list.heaps.some((h) => h.equals(only));
            const walk = walkProcessHeaps(x86 && wow64 ? wow64.view : target, options, only);
            if (isHeapWalkFailure(walk))
                return { problem: walk.message };
            if (x86)
                markX86(walk, 0, 0, 0);
            return { walk, heapList: list, imageName: imageNameOf(target), peb, wow64NotWalked: null };
        }
        const joined = { free: [], heaps: [], blocks: [], notWalked: [], ust: list.ust };
        if (list.problem)
            joined.notWalked.push({ heap: peb, part: "PEB heap list", address: peb, reason: list.problem });
        let wow64NotWalked = null;
        if (side && "problem" in side) {
            wow64NotWalked = messages.heapWow64NotWalked(imageNameOf(target), side.problem);
            joined.notWalked.push({ heap: peb, part: WOW64_PART, address: null, reason: wow64NotWalked });
        }
        if (wow64 && wow64.list.problem)
            joined.notWalked.push({ heap: wow64.peb32, part: "PEB32 heap list", address: wow64.peb32, reason: wow64.list.problem });
        const sides = [{ target, heaps: list.heaps }];
        if (wow64)
            sides.push({ target: wow64.view, heaps: wow64.list.heaps });
        const total = sides.reduce((n, s) => n + s.heaps.length, 0);
        let blocks = 0;
        let done = 0;
        const progress = new Progress(out, "Walking heaps", total, false, (d, all) => d + " of " + all + " heaps, " + groupDigits(blocks) + " blocks");
        for (const s of sides) {
            const x86 = s.target !== target;
            const heapsFrom = joined.heaps.length;
            const blocksFrom = joined.blocks.length;
            const notWalkedFrom = joined.notWalked.length;
            if (x86 && wow64)
                joined.ust = joined.ust || wow64.list.ust;
            for (let i = 0; i < s.heaps.length; i++, done++) {
                const at = done;
                progress.update(at);
                const seen = blocks;
                // Within a large heap the 5-second progress line still comes, with the blocks found so far.
                const withProgress = {
                    includeFree: options.includeFree,
                    readFirstPointer: options.readFirstPointer,
                    onProgress: (soFar) => {
                        blocks = seen + soFar;
                        progress.update(at);
                    },
                };
                const part = walkProcessHeaps(s.target, withProgress, s.heaps[i]);
                blocks = seen;
                if (isHeapWalkFailure(part)) {
                    // A listed handle without a heap signature: named, the other heaps still walked.
                    joined.notWalked.push({ heap: s.heaps[i], part: x86 ? "heap (" + WOW64_LAYOUT + ")" : "heap", address: s.heaps[i], reason: part.message });
                    continue;
                }
                for (const h of part.heaps)
                    joined.heaps.push(h);
                for (const b of part.blocks)
                    joined.blocks.push(b);
                // The PEB's own problem is reported once, above.
                for (const n of part.notWalked)
                    if (n.part !== "PEB heap list")
                        joined.notWalked.push(n);
                for (const f of part.free)
                    joined.free.push(f);
                joined.ust = joined.ust || part.ust;
                blocks += part.blocks.length;
                if (blocks >= LARGE_WALK_BLOCKS)
                    progress.large = true;
            }
            if (x86)
                markX86(joined, heapsFrom, blocksFrom, notWalkedFrom);
        }
        return { walk: joined, heapList: list, imageName: imageNameOf(target), peb, wow64NotWalked };
    }
    /**
     * Frames and type pointers as text, each distinct address symbolized once through the validated `u <address> L1`
     * (Target.symbolize), at most workLimit("maxSymbolizedFrames") of them; past the cap `module+0x..`, and the
     * command says so.
     */
    class FrameNamer {
        constructor(target) {
            this.target = target;
            this.texts = new Map();
            this.symbolized = 0;
            /** Distinct addresses left as module+0x.. because of the cap. */
            this.capped = 0;
            this.inImage = (value) => this.modules.find(value) !== null;
            // In a WOW64 session the list holds both sides' modules (the 64-bit ntdll and wow64 DLLs, the 32-bit executable,
            // SysWOW64's DLLs): 32-bit frames and vtables fall in the 32-bit images, and `u` names them.
            this.modules = new ModuleIndex(target.modules());
        }
        frame(address) {
            const known = this.texts.get(address.key);
            if (known !== undefined)
                return known;
            let text;
            if (this.symbolized < workLimit("maxSymbolizedFrames")) {
                this.symbolized++;
                text = describeFrame(this.target, address).text;
            }
            else {
                this.capped++;
                text = this.plain(address);
            }
            this.texts.set(address.key, text);
            return text;
        }
        /** `module+0x..` without a debugger command (groups beyond those shown). */
        plain(address) {
            const known = this.texts.get(address.key);
            if (known !== undefined)
                return known;
            const m = this.modules.find(address);
            const offset = m ? address.distanceFrom(m.base) : null;
            return m && offset !== null ? m.name + "+0x" + offset.toString(16) : address.format(this.target.pointerSize);
        }
        frames(addresses) {
            return addresses.map((a) => this.frame(a));
        }
        /** The caller frame of a stack with its source line where the symbols have one (`app!Load+0x45 [c:\src\a.cpp @ 12]`). */
        caller(addresses, texts) {
            const i = callerIndex(texts);
            if (i < 0)
                return null;
            const text = texts[i];
            if (text.indexOf("!") < 0)
                return text;
            const s = this.target.symbolize(addresses[i]);
            return s.file ? text + " [" + s.file + " @ " + s.line + "]" : text;
        }
        cappedNote() {
            return this.capped > 0 ? messages.heapFramesCapped(this.capped, workLimit("maxSymbolizedFrames"), raiseHint("maxSymbolizedFrames")) : null;
        }
    }
    function heapLinesOf(heaps, ps) {
        return heaps.map((h) => ({ heap: h.heap.format(ps), type: h.type, lfh: h.lfh, blocks: h.blocks, bytes: h.bytes, layout: h.layout }));
    }
    function notWalkedLinesOf(parts, ps) {
        return parts.map((n) => ({ heap: n.heap.format(ps), part: n.part, address: n.address ? n.address.format(ps) : null, reason: n.reason }));
    }
    function heapRecords(heaps, ps) {
        return heaps.map((h) => ({
            Heap: h.heap,
            Type: h.type,
            LFH: h.lfh,
            Blocks: h.blocks,
            Bytes: h.bytes,
            Layout: h.layout,
            toString: () => h.heap.format(ps) + " " + h.type + ": " + plural(h.blocks, "block") + ", " + sizeText(h.bytes),
        }));
    }
    function notWalkedRecords(parts, ps) {
        return parts.map((n) => ({
            Heap: n.heap,
            Part: n.part,
            Address: n.address,
            Reason: n.reason,
            toString: () => n.part + (n.address ? " at " + n.address.format(ps) : "") + ": " + n.reason,
        }));
    }
    /**
     * The short "Layout:" line of each structure decoded with a built-in layout, once per session (DESIGN output
     * convention 2: render/report.ts layoutNote; !leaktools has the full wording), then each walk's notes.
     */
    function layoutLinesOf(heaps, ps) {
        const lines = [];
        for (const h of heaps) {
            const used = h.builtInLayouts || [];
            if (used.length === 0)
                continue;
            // One line per heap kind, as !poolallocs says its segment-heap types: the first type, then how many more.
            const first = used[0];
            const provenance = {
                typeName: first.typeName + (used.length > 1 ? " and " + (used.length - 1) + " more heap " + (used.length > 2 ? "types" : "type") : ""),
                origin: "built-in",
                description: used.map((l) => l.description).join("; "),
                guessed: used.some((l) => l.guessed),
                variantLabel: first.variantLabel,
            };
            for (const line of layoutNote(provenance))
                if (lines.indexOf(line) < 0)
                    lines.push(line);
        }
        // What a walk assumed or derived (a key from a signature, a key form, offsets read in clear): a guess says so.
        for (const h of heaps)
            for (const n of h.notes || [])
                lines.push("Heap " + h.heap.format(ps) + ": " + n + (/\.$/.test(n) ? "" : "."));
        return lines;
    }

    const command$1 = {
        name: "heapblocks",
        usage: "dx @$heapblocks([heap])",
        summary: "Every busy allocation of the process's heaps, with its stack (+ust) and type",
        quietRepeats: true,
        keepsResult: true,
        help: {
            arguments: [{ name: "heap", text: "optional: one heap handle as a number (0x29fb0000); without it every heap of PEB.ProcessHeaps" }],
            records: [
                { name: "Blocks", text: "one per busy allocation: Address (what HeapAlloc returned), Size (what HeapSize returns), Heap, Kind (Backend/LFH/Virtual, VS/LFH/Large, PageHeap), Stack (+ust frames, innermost first), Type (the first pointer's symbol, or null)" },
                { name: "Heaps", text: "each heap walked: Heap, Type (NT/Segment), LFH, Blocks, Bytes, Layout" },
                { name: "NotWalked", text: "each part of a heap that could not be walked: Heap, Part, Address, Reason" },
            ],
            examples: [
                { command: "dx @$heapblocks().Blocks.Where(b => b.Size == 0x48)", text: "every allocation of 0x48 bytes" },
                { command: 'dx @$heapblocks().Blocks.Where(b => b.Type != null && b.Type.Contains("CImage"))', text: "the CImage objects" },
                { command: "dx @$heapblocks(0x29fb0000).Heaps", text: "one heap's totals" },
            ],
        },
        run(ctx, args) {
            let given = args;
            while (given.length && given[given.length - 1] === undefined)
                given = given.slice(0, given.length - 1);
            if (given.length > 1) {
                ctx.out.line(messages.heapblocksUsage(given.length + " arguments"));
                return undefined;
            }
            const only = heapArg(given[0]);
            if (only !== undefined && !(only instanceof Address))
                return say$1(ctx, only.problem);
            const peb = userProcess(ctx.target, "heapblocks");
            if (!(peb instanceof Address))
                return say$1(ctx, peb.problem);
            const run = walkHeaps(ctx.target, ctx.out, peb, only || null, { includeFree: false, readFirstPointer: true });
            if ("problem" in run)
                return say$1(ctx, run.problem);
            return blocksResult(ctx, run, only ? "@$heapblocks(0x" + only.toHex() + ")" : "@$heapblocks()");
        },
    };
    const heapblocksCommand = command$1;
    /** `call`: how this call was written (with its heap handle, if any), so that the suggested query asks for the same blocks. */
    function blocksResult(ctx, run, call) {
        const target = ctx.target;
        const ps = target.pointerSize;
        const walk = run.walk;
        const namer = new FrameNamer(target);
        const reader = new StackRecordReader(target, run.walk.x86Records);
        const stacks = new Map();
        const stackOf = (b) => {
            if (!walk.ust || !b.stackRecord || b.stackRecord.isNull)
                return [];
            const known = stacks.get(b.stackRecord.key);
            if (known)
                return known;
            const record = reader.read(b.stackRecord);
            const frames = "frames" in record ? namer.frames(record.frames) : ["(" + record.problem + ")"];
            stacks.set(b.stackRecord.key, frames);
            return frames;
        };
        const blocks = walk.blocks.map((b) => {
            const type = typePointerOf(b, namer.inImage);
            const typeText = type ? namer.frame(type) : null;
            return {
                Address: b.address,
                Size: b.size,
                Heap: b.heap,
                Kind: b.kind,
                Stack: stackOf(b),
                Type: typeText,
                toString: () => b.address.format(ps) + " " + sizeText(b.size) + " " + b.kind + (typeText ? " " + typeText : ""),
            };
        });
        const bytes = walk.blocks.reduce((n, b) => n + b.size, 0);
        const answer = plural(blocks.length, "busy allocation") + ", " + sizeText(bytes) + ", in " + plural(walk.heaps.length, "heap") +
            (walk.ust ? "; allocation stacks recorded (+ust)." : "; no allocation stacks (+ust is off: gflags /i " + run.imageName + " +ust, then restart the program).");
        ctx.out.line(answer);
        for (const l of layoutLinesOf(walk.heaps, ps))
            ctx.out.line(l);
        const capped = namer.cappedNote();
        if (capped)
            ctx.out.line(capped);
        // The heaps table is !heapleaks' (and this result's Heaps); here only what was not walked, so a dx query that
        // follows stays short.
        // A WOW64 process's 32-bit heaps are no one heap (the part is filed under the PEB): said as they are.
        for (const n of walk.notWalked)
            if (n.part === WOW64_PART)
                ctx.out.line(n.reason);
        const parts = walk.notWalked.filter((n) => n.part !== WOW64_PART);
        for (const n of notWalkedLinesOf(parts, ps))
            ctx.out.line("Not walked: heap " + n.heap + ", " + n.part + (n.address ? " at " + n.address : "") + ": " + n.reason);
        const sizes = commonestSize(walk.blocks);
        ctx.out.lines(nextBlock([
            { command: sizes === null ? "" : "dx " + call + ".Blocks.Where(b => b.Size == 0x" + sizes.toString(16) + ")", why: "the blocks of the commonest size" },
            { command: "!heapleaks", why: "the blocks grouped by " + (walk.ust ? "allocation stack" : "size and type") + ", largest first" },
            { command: blocks.length ? "!heap -p -a " + walk.blocks[0].address.format(ps) : "", why: "the debugger's own view of one block" },
        ]));
        return {
            Blocks: namedCollection(blocks, "allocation", "allocations"),
            Heaps: heapRecords(walk.heaps, ps),
            NotWalked: namedCollection(notWalkedRecords(walk.notWalked, ps), "part", "parts"),
            StacksRecorded: walk.ust,
            toString: () => plural(blocks.length, "busy allocation") + ", " + sizeText(bytes) + ", " + plural(walk.heaps.length, "heap"),
        };
    }
    function commonestSize(blocks) {
        const counts = new Map();
        let best = null;
        let bestCount = 0;
        for (const b of blocks) {
            const n = (counts.get(b.size) || 0) + 1;
            counts.set(b.size, n);
            if (n > bestCount || (n === bestCount && best !== null && b.size < best)) {
                best = b.size;
                bestCount = n;
            }
        }
        return best;
    }
    function say$1(ctx, line) {
        ctx.out.line(line);
        return undefined;
    }

    // The text of !heapleaks (issue 20, DESIGN "Output conventions"): the answer first (the top group's caller with its
    // source line, bytes and count), the layout lines, the groups, the stacks of the top groups, the heaps walked and
    // the parts not walked, then one Next: block. Pure: a view in, lines out; the command fills the view.
    /** Frames of each of the top groups printed under the table; the table itself holds more. */
    const STACKS_PRINTED = 5;
    function rateText(rate) {
        if (rate === null)
            return "?";
        return sizeText(Math.round(rate)).replace(/^(0x[0-9a-f]+) \((.*)\)$/, "$2") + "/s";
    }
    /** `app!CImage::\`vftable'` -> `app!CImage::\`vftable' (class CImage)`. */
    function typeText(type) {
        if (!type)
            return "";
        const cls = vftableClass(type);
        return cls ? type + " (class " + cls + ")" : type;
    }
    function groupName(g) {
        if (g.caller)
            return g.caller;
        if (g.stackProblem)
            return "stack not read (" + g.stackProblem + ")";
        if (g.frames)
            return "(empty stack)";
        return "size " + sizeText(g.size === null ? 0 : g.size) + (g.type ? ", type " + typeText(g.type) : ", no type");
    }
    function answerLines(v) {
        const lines = [];
        const top = v.shown[0];
        const total = sizeText(v.bytes) + " in " + plural(v.allocations, "allocation");
        const unit = v.ust ? ["stack", "stacks"] : ["group", "groups"];
        if (v.mode === "growth" || v.mode === "compare") {
            // A file written after this target (the dumps compared the wrong way round) has no interval to grow over.
            const over = v.seconds === null ? "" : v.seconds >= 0 ? " over " + duration(v.seconds) + " of target time" : " (written " + duration(v.seconds) + " after this target's time)";
            if (!top) {
                lines.push("No allocation group grew since " + v.since + over + " (" + total + " now).");
                return lines;
            }
            lines.push("Grew most since " + v.since + over + ": " + groupName(top) + ", +" + sizeText(top.deltaBytes || 0) + " in " +
                signed(top.deltaAllocations || 0) + " allocations" + (top.rate !== null ? " (" + rateText(top.rate) + ")" : "") +
                "; now " + sizeText(top.bytes) + " in " + plural(top.allocations, "allocation") + ".");
            if (top.type && top.caller)
                lines.push("  Its blocks begin with a pointer to " + typeText(top.type) + ".");
            lines.push(plural(v.groupCount, unit[0] + " grew", unit[1] + " grew") + "; " + groupDigits(v.shrunk) + " shrank, " + groupDigits(v.gone) + " disappeared.");
        }
        else if (!top) {
            lines.push("No busy allocations in the heaps walked.");
        }
        else {
            lines.push((v.ust ? "Largest allocation stack: " : "Largest group: ") + groupName(top) + " holds " + sizeText(top.bytes) + " in " +
                plural(top.allocations, "allocation") + " (of " + total + ", " + plural(v.groupCount, unit[0], unit[1]) + ").");
            if (top.type && top.caller)
                lines.push("  Its blocks begin with a pointer to " + typeText(top.type) + ".");
            if (v.mode === "baseline")
                lines.push("Baseline recorded (" + plural(v.groupCount, "group") + "): run !heapleaks again after the program has run to see what grew.");
        }
        if (!v.ust) {
            lines.push("No allocation stacks: +ust is off for this process. To record them: gflags /i " + v.imageName +
                " +ust, then restart the program. Meanwhile the groups are by size and type (a C++ class shows through its vtable).");
        }
        return lines;
    }
    function signed(n) {
        return (n >= 0 ? "+" : "") + groupDigits(n);
    }
    function groupTable(v) {
        const growth = v.mode === "growth" || v.mode === "compare";
        const rows = v.shown.map((g, i) => ({ g, i }));
        const columns = [{ header: "#", align: "right", value: (r) => String(r.i + 1) }];
        if (growth) {
            columns.push({ header: "Delta bytes", align: "right", value: (r) => "+" + sizeText(r.g.deltaBytes || 0) }, { header: "Delta allocs", align: "right", value: (r) => signed(r.g.deltaAllocations || 0) });
            if (v.seconds !== null && v.seconds > 0)
                columns.push({ header: "Rate", align: "right", value: (r) => rateText(r.g.rate) });
        }
        columns.push({ header: "Bytes", align: "right", value: (r) => sizeText(r.g.bytes) }, { header: "Allocs", align: "right", value: (r) => groupDigits(r.g.allocations) });
        if (!v.ust)
            columns.push({ header: "Size", align: "right", value: (r) => (r.g.size === null ? "" : "0x" + r.g.size.toString(16)) });
        columns.push({ header: "Example", value: (r) => r.g.example });
        columns.push({ header: v.ust ? "Caller" : "Type", value: (r) => (v.ust ? groupName(r.g) : r.g.type ? typeText(r.g.type) : "-") });
        const title = growth ? "Groups that grew, largest growth first" : v.ust ? "Allocation stacks, largest bytes first" : "Groups by (size, type), largest bytes first";
        const more = v.groupCount > v.shown.length ? " (first " + v.shown.length + " of " + groupDigits(v.groupCount) + ")" : "";
        return [title + more + ":"].concat(renderTable(columns, rows, "  "));
    }
    function stackLines(v) {
        const lines = [];
        const withStacks = v.shown.slice(0, STACKS_PRINTED).filter((g) => g.frames !== null || g.stackProblem !== null);
        if (withStacks.length === 0)
            return lines;
        lines.push("Stacks of the top " + plural(withStacks.length, "group") + " (innermost first):");
        v.shown.slice(0, STACKS_PRINTED).forEach((g, i) => {
            if (g.frames === null && g.stackProblem === null)
                return;
            lines.push("#" + (i + 1) + "  " + plural(g.allocations, "allocation") + ", " + sizeText(g.bytes) + (g.stackRecord ? ", stack record " + g.stackRecord : ""));
            if (g.stackProblem)
                lines.push("      (" + g.stackProblem + ")");
            else
                for (const f of g.frames || [])
                    lines.push("      " + f);
        });
        return lines;
    }
    function heapLines(heaps, notWalked) {
        const lines = ["Heaps walked:"].concat(renderTable([
            { header: "Heap", value: (h) => h.heap },
            { header: "Type", value: (h) => h.type + (h.lfh ? " + LFH" : "") },
            { header: "Blocks", align: "right", value: (h) => groupDigits(h.blocks) },
            { header: "Bytes", align: "right", value: (h) => sizeText(h.bytes) },
            // The full wording is the Layout: line after the answer (and the Heaps records); here one word.
            { header: "Layout", value: (h) => (/^32-bit \(WOW64\)/.test(h.layout) ? "32-bit (WOW64), " : "") + (/built-in/i.test(h.layout) ? "built-in" : /symbols/i.test(h.layout) ? "symbols" : h.layout ? "see Heaps[].Layout" : "-") },
        ], heaps, "  "));
        if (notWalked.length) {
            lines.push("Not walked (the rest of each heap is listed):");
            for (const n of notWalked)
                lines.push("  heap " + n.heap + ": " + n.part + (n.address ? " at " + n.address : "") + ": " + n.reason);
        }
        return lines;
    }
    function reportLines(v) {
        let lines = answerLines(v);
        lines = lines.concat(v.layoutLines, v.notes);
        if (v.shown.length)
            lines = lines.concat([""], groupTable(v));
        const stacks = stackLines(v);
        if (stacks.length)
            lines = lines.concat([""], stacks);
        lines = lines.concat([""], heapLines(v.heaps, v.notWalked));
        const next = nextBlock(v.next);
        if (next.length)
            lines = lines.concat([""], next);
        return lines;
    }

    const heapBaselineState = {
        baseline: null,
    };

    // The rows of a heap snapshot file (`dx @$heapleaks("save", path)`): one JSON object per allocation group, in the
    // envelope every leaktools snapshot shares (src/snapshot/envelope.ts, kind HEAP_SNAPSHOT), then one totals row that
    // a reader checks the groups against, so a file whose figures were edited by hand is refused rather than compared.
    // Besides the in-process keys (a stack record's address, a vtable's address) each row carries the same facts in
    // module-relative form (`app+0x1a2b`), which survive a restart of the program under ASLR. Pure: rows in, text out.
    /** At most this many groups in one file: a process has at most as many groups as busy blocks, and a million
     *  groups is already 200 MB of JSON. */
    const MAX_HEAP_SNAPSHOT_ROWS = 1000000;
    /** A group as a row: `frames` and `typeName` are module-relative text the caller computed. */
    function snapshotGroup(g, frames, typeName) {
        return {
            key: g.key,
            stackRecord: g.stackRecord ? g.stackRecord.toHex() : null,
            size: g.size,
            type: g.typePointer ? g.typePointer.toHex() : null,
            typeName,
            frames,
            allocations: g.allocations,
            bytes: g.bytes,
            example: g.example.toHex(),
        };
    }
    /** The rows' text for formatSnapshotFile: the groups, then the totals. */
    function heapSnapshotRows(groups, ust) {
        const rows = groups.map((g) => jsonAscii(g));
        const totals = {
            groups: groups.length,
            allocations: groups.reduce((n, g) => n + g.allocations, 0),
            bytes: groups.reduce((n, g) => n + g.bytes, 0),
            ust,
        };
        rows.push(jsonAscii({ totals }));
        return rows;
    }
    const HEX = /^[0-9a-f]{1,16}$/;
    const MODULE_TEXT = /^[\x20-\x7e]{1,300}$/;
    /** One entry of the rows list, checked field by field (the file is hostile input). */
    function checkHeapRow(entry, index) {
        const at = "row " + (index + 1);
        if (!isObject(entry))
            return { problem: at + " is not an object" };
        if ("totals" in entry) {
            const t = entry.totals;
            if (!isObject(t) || !isCount(t.groups) || !isCount(t.allocations) || !isCount(t.bytes) || typeof t.ust !== "boolean") {
                return { problem: at + ': "totals" is not {"groups", "allocations", "bytes", "ust"}' };
            }
            return { row: { totals: { groups: t.groups, allocations: t.allocations, bytes: t.bytes, ust: t.ust } } };
        }
        const e = entry;
        if (typeof e.key !== "string" || !/^(s:\d{1,10}:\d{1,10}|z:[0-9a-f]{1,16}:(\d{1,10}:\d{1,10}|-))$/.test(e.key))
            return { problem: at + ': "key" is not a group key' };
        const nullOr = (v, ok) => v === null || ok(v);
        const hex = (v) => typeof v === "string" && HEX.test(v);
        const text = (v) => typeof v === "string" && MODULE_TEXT.test(v);
        if (!nullOr(e.stackRecord, hex))
            return { problem: at + ': "stackRecord" is not hex or null' };
        if (!nullOr(e.size, isCount))
            return { problem: at + ': "size" is not a whole number or null' };
        if (!nullOr(e.type, hex))
            return { problem: at + ': "type" is not hex or null' };
        if (!nullOr(e.typeName, text))
            return { problem: at + ': "typeName" is not text or null' };
        if (!nullOr(e.frames, (v) => Array.isArray(v) && v.length <= 64 && v.every(text)))
            return { problem: at + ': "frames" is not a list of frames or null' };
        if (!isCount(e.allocations) || e.allocations < 1)
            return { problem: at + ': "allocations" is not a whole number above 0' };
        if (!isCount(e.bytes))
            return { problem: at + ': "bytes" is not a whole number' };
        if (!hex(e.example))
            return { problem: at + ': "example" is not hex' };
        if ((e.stackRecord === null) === /^s:/.test(e.key))
            return { problem: at + ': "key" and "stackRecord" disagree' };
        return {
            row: {
                group: {
                    key: e.key,
                    stackRecord: e.stackRecord,
                    size: e.size,
                    type: e.type,
                    typeName: e.typeName,
                    frames: e.frames,
                    allocations: e.allocations,
                    bytes: e.bytes,
                    example: e.example,
                },
            },
        };
    }
    /**
     * The groups of a parsed file, or what is wrong with them: the totals row must come last and match the groups
     * (an edited figure shows there), and no key may be listed twice.
     */
    function snapshotGroups(rows) {
        const last = rows[rows.length - 1];
        if (!last || !("totals" in last))
            return { problem: "the totals row is missing at the end of the rows" };
        const groups = [];
        const keys = new Set();
        for (let i = 0; i < rows.length - 1; i++) {
            const r = rows[i];
            if (!("group" in r))
                return { problem: "row " + (i + 1) + " is a second totals row" };
            if (keys.has(r.group.key))
                return { problem: "group " + r.group.key + " is listed twice" };
            keys.add(r.group.key);
            groups.push(r.group);
        }
        const t = last.totals;
        const allocations = groups.reduce((n, g) => n + g.allocations, 0);
        const bytes = groups.reduce((n, g) => n + g.bytes, 0);
        if (t.groups !== groups.length || t.allocations !== allocations || t.bytes !== bytes) {
            return {
                problem: "the totals row says " + t.groups + " groups, " + t.allocations + " allocations, " + t.bytes + " bytes, but the rows add up to " +
                    groups.length + ", " + allocations + ", " + bytes + " (the file was edited or cut)",
            };
        }
        return { groups, ust: t.ust };
    }
    /**
     * The key under which a group is compared with a file from another process of the same program: stack records and
     * vtable addresses differ between processes (ASLR, a new trace database), their module-relative text does not.
     */
    function portableKey(g) {
        if (g.stackRecord !== null)
            return g.frames ? "f:" + g.frames.join(",") : null;
        return "z:" + (g.size === null ? "?" : g.size.toString(16)) + ":" + (g.typeName || "-");
    }

    /** A heap snapshot holds one line per group (~200 characters, more with frames): 256 MB of text is a million
     *  groups with long stacks; past it the file is not one of ours. */
    const MAX_HEAP_SNAPSHOT_CHARS = 256 * 1024 * 1024;
    /** The path, or null after the line that says what is wrong with it. */
    function heapPathOrSay(ctx, verb, value) {
        const checked = checkPath(value);
        if ("path" in checked)
            return checked.path;
        switch (checked.problem) {
            case "missing":
                ctx.out.line(messages.heapleaksPathMissing(verb, "nothing"));
                break;
            case "mangled":
                ctx.out.line(messages.heapleaksPathMangled(checked.what, verb, checked.typed));
                break;
            case "invalid":
                ctx.out.line(messages.heapleaksPathInvalid(String(value).slice(0, 200).replace(/[\x00-\x1f]/g, "?"), verb));
                break;
            case "driveRelative":
                ctx.out.line(messages.heapleaksPathDriveRelative(String(value), verb));
                break;
        }
        return null;
    }
    /** This process as the snapshot names it: the image from the session (else the module list) and the PID. */
    function processFacts(target, run) {
        const who = target.processIdentity();
        const image = who.image || (/\.exe$/i.test(run.imageName) ? run.imageName : null);
        return readTargetFacts(target, { image, pid: who.pid }, true);
    }
    /** Frames of a stack group as module-relative text (no debugger command), or null when the record is unreadable. */
    function plainFrames(reader, namer, g) {
        if (!g.stackRecord)
            return null;
        const record = reader.read(g.stackRecord);
        return "frames" in record ? record.frames.map((f) => namer.plain(f)) : null;
    }
    function saveHeapSnapshot(ctx, run, path) {
        const target = ctx.target;
        const walk = run.walk;
        const namer = new FrameNamer(target);
        const reader = new StackRecordReader(target, run.walk.x86Records);
        const groups = groupBlocks(walk.blocks, walk.ust, namer.inImage);
        const rows = groups.map((g) => snapshotGroup(g, plainFrames(reader, namer, g), g.typePointer ? namer.plain(g.typePointer) : null));
        const facts = processFacts(target, run);
        if (facts.systemTimeMs === null)
            ctx.out.line(messages.heapleaksNoClock());
        const source = walk.ust ? "+ust stack records" : "size and type (no +ust)";
        const text = formatSnapshotFile({ kind: HEAP_SNAPSHOT, version: HEAP_SNAPSHOT.version, writtenBy: "leaktools " + VERSION, target: facts, source }, heapSnapshotRows(rows, walk.ust));
        const written = writeSnapshotFile(path, text);
        if (written.kind === "failed") {
            ctx.out.line(messages.heapleaksSaveFailed(path, written.detail.replace(/[\x00-\x1f]/g, " ")));
            return undefined;
        }
        if (written.kind === "refused") {
            ctx.out.line(messages.heapleaksSaveRefused(written.fullPath, written.reason, written.suggestion === null ? null : typedPath(written.suggestion)));
            return undefined;
        }
        const allocations = walk.blocks.length;
        const bytes = walk.blocks.reduce((n, b) => n + b.size, 0);
        ctx.out.line("Saved " + plural(groups.length, "allocation group") + " (" + plural(allocations, "allocation") + ", " + sizeText(bytes) + ", grouped by " + source + ") to " +
            written.fullPath + (written.replaced ? ", replacing the " + written.replaced + " that was there" : "") + ".");
        const p = facts.process;
        ctx.out.line("  Process: " + (p && p.image ? p.image : "(name not available)") + (p && p.pid !== null ? " (PID " + p.pid + ")" : "") + ", " + facts.pointerSize * 8 +
            "-bit, Windows build " + (facts.windowsBuild === null ? "unknown" : facts.windowsBuild) + "; target time " + readableTime(facts.systemTimeMs) + ".");
        // What the file rests on: a built-in layout, and the parts of the heaps not walked (their blocks are not in it).
        for (const l of layoutLinesOf(walk.heaps, ctx.target.pointerSize))
            ctx.out.line(l);
        if (walk.notWalked.length)
            ctx.out.line(messages.heapleaksSavedWithout(walk.notWalked.length));
        for (const n of notWalkedLinesOf(walk.notWalked, target.pointerSize))
            ctx.out.line("  heap " + n.heap + ": " + n.part + (n.address ? " at " + n.address : "") + ": " + n.reason);
        ctx.out.lines(nextBlock([{ command: 'dx @$heapleaks("compare", "' + typedPath(path) + '")', why: "on the later dump of this program (or here later): the groups that grew" }]));
        return {
            Path: written.fullPath,
            Groups: groups.length,
            Allocations: allocations,
            Bytes: bytes,
            toString: () => "Saved " + plural(groups.length, "group") + " to " + written.fullPath,
        };
    }
    /** Reads and checks the file; the baseline to compare with, or null after the line that says why not. */
    function heapFileBaseline(ctx, run, path, groups, namer) {
        const target = ctx.target;
        const read = readSnapshotText(path, MAX_HEAP_SNAPSHOT_CHARS);
        switch (read.kind) {
            case "missing":
                ctx.out.line(messages.heapleaksFileMissing(read.fullPath));
                return null;
            case "unreadable":
                ctx.out.line(messages.heapleaksFileUnreadable(path, read.detail.replace(/[\x00-\x1f]/g, " ")));
                return null;
            case "tooLarge":
                ctx.out.line(messages.heapleaksFileProblem(read.fullPath, "it is larger than any heap snapshot (" + sizeText(MAX_HEAP_SNAPSHOT_CHARS) + ")"));
                return null;
            case "undecodable":
                ctx.out.line(messages.heapleaksFileProblem(read.fullPath, "its text is " + read.encoding + ", which the debugger's reader does not read"));
                return null;
        }
        const parsed = parseSnapshotFile(read.text, HEAP_SNAPSHOT, MAX_HEAP_SNAPSHOT_ROWS + 1, checkHeapRow);
        if ("problem" in parsed) {
            ctx.out.line(messages.heapleaksFileProblem(read.fullPath, snapshotProblemText(parsed.problem)));
            return null;
        }
        const content = snapshotGroups(parsed.rows);
        if ("problem" in content) {
            ctx.out.line(messages.heapleaksFileProblem(read.fullPath, content.problem));
            return null;
        }
        const then = parsed.envelope.target;
        const now = processFacts(target, run);
        if (then.pointerSize !== now.pointerSize) {
            ctx.out.line(messages.heapleaksOtherArchitecture(read.fullPath, then.pointerSize * 8, now.pointerSize * 8));
            return null;
        }
        const a = then.process;
        const b = now.process;
        if (!a || !a.image || !b || !b.image || a.image.toLowerCase() !== b.image.toLowerCase()) {
            ctx.out.line(messages.heapleaksOtherProgram(read.fullPath, a && a.image ? a.image : "an unnamed process", b && b.image ? b.image : "an unnamed process"));
            return null;
        }
        const notes = [];
        let sameProcess = true;
        for (const w of compareFacts(then, now)) {
            if (w.kind === "snapshotLater")
                notes.push(messages.heapleaksFileLater(readableTime(w.thenMs), readableTime(w.nowMs)));
            else if (w.kind === "otherMachine")
                notes.push(messages.heapleaksOtherMachine(w.what));
            else if (w.kind === "reboot") {
                sameProcess = false;
                notes.push(messages.heapleaksReboot(w.what));
            }
            else if (w.kind === "otherProcess") {
                sameProcess = false;
                notes.push(messages.heapleaksOtherProcess(w.what));
            }
        }
        if (content.ust !== run.walk.ust)
            notes.push(messages.heapleaksUstChanged(content.ust, run.walk.ust));
        const seconds = then.systemTimeMs !== null && now.systemTimeMs !== null ? (now.systemTimeMs - then.systemTimeMs) / 1000 : null;
        const since = read.fullPath + " (" + readableTime(then.systemTimeMs) + ")";
        if (sameProcess) {
            const counts = new Map();
            for (const g of content.groups)
                counts.set(g.key, { allocations: g.allocations, bytes: g.bytes });
            return { counts, groups, since, seconds, notes };
        }
        return portableBaseline(target, content.groups, groups, namer, { since, seconds, notes }, run.walk.x86Records);
    }
    /**
     * Another process of the same program: stack records and vtable addresses differ, so both sides are keyed by their
     * module-relative frames and types. A stack group of the file without frames cannot be matched and is left out.
     */
    function portableBaseline(target, file, groups, namer, base, x86Records) {
        const counts = new Map();
        let unmatched = 0;
        for (const g of file) {
            const key = portableKey(g);
            if (key === null) {
                unmatched++;
                continue;
            }
            const had = counts.get(key);
            counts.set(key, { allocations: g.allocations + (had ? had.allocations : 0), bytes: g.bytes + (had ? had.bytes : 0) });
        }
        const reader = new StackRecordReader(target, x86Records);
        const merged = new Map();
        for (const g of groups) {
            const frames = plainFrames(reader, namer, g);
            const key = portableKey({ stackRecord: g.stackRecord, size: g.size, frames, typeName: g.typePointer ? namer.plain(g.typePointer) : null }) || g.key;
            const had = merged.get(key);
            if (had) {
                had.allocations += g.allocations;
                had.bytes += g.bytes;
            }
            else
                merged.set(key, Object.assign(Object.assign({}, g), { key }));
        }
        const rekeyed = [];
        merged.forEach((g) => rekeyed.push(g));
        const notes = base.notes.slice();
        notes.push(messages.heapleaksMatchedByFrames(unmatched));
        return { counts, groups: rekeyed, since: base.since, seconds: base.seconds, notes };
    }
    function snapshotProblemText(p) {
        switch (p.kind) {
            case "empty":
                return "it is empty";
            case "truncated":
                return "it ends in the middle (cut short: " + p.detail.replace(/[\x00-\x1f]/g, " ").slice(0, 120) + ")";
            case "malformed":
                return "it is not a valid heap snapshot (" + p.detail.replace(/[\x00-\x1f]/g, " ").slice(0, 160) + "); it was edited or damaged";
            case "notSnapshot":
                return "it is not a leaktools snapshot (" + p.detail.replace(/[\x00-\x1f]/g, " ").slice(0, 120) + ")";
            case "newer":
                return "it is heap snapshot format version " + p.version + ", newer than this leaktools reads (" + p.supported + ")";
            case "otherKind":
                return p.other ? "it is a " + p.other.noun + "; read it with " + p.other.reader : "it is a '" + p.format + "' file, not a heap snapshot";
        }
    }

    /** Rows of the groups table; dx @$heapleaks().Groups has them all. */
    const TABLE_ROWS = 20;
    const command = {
        name: "heapleaks",
        usage: '!heapleaks [(op, "x.json")]',
        summary: 'Heap allocations by +ust stack (or size, type); what grew; "reset", "save"/"compare" a file',
        help: {
            arguments: [
                { name: "(none)", text: "a dump: every group, largest bytes first; live: the first call records a baseline, later calls show what grew" },
                { name: '"reset"', text: "forget the baseline" },
                { name: '"save", "C:\\\\cases\\\\before.json"', text: "write the groups to a snapshot file (dump or live)" },
                { name: '"compare", "C:\\\\cases\\\\before.json"', text: "the groups that grew from that file to this target" },
            ],
            records: [
                { name: "Groups", text: "Stack, StackRecord, Size (size groups), Type, Allocations, Bytes, Example, Caller; DeltaAllocations, DeltaBytes, BytesPerSecond when growth is shown (live or compare)" },
                { name: "Heaps / NotWalked", text: "each heap walked with its blocks and bytes; each part not walked with its reason" },
            ],
            examples: [
                { command: "!heapleaks", text: "the top allocation stacks (dump) or what grew (live)" },
                { command: "dx @$heapleaks().Groups.Where(g => g.Caller != null && g.Caller.Contains(\"ProcessImage\"))", text: "one caller's groups" },
                { command: 'dx @$heapleaks("compare", "C:\\\\cases\\\\before.json")', text: "on the later dump of the same process" },
            ],
        },
        run(ctx, args) {
            const op = parseOp(ctx, args);
            if (!op)
                return undefined;
            if (op.kind === "reset") {
                const had = heapBaselineState.baseline !== null ? 1 : 0;
                heapBaselineState.baseline = null;
                ctx.out.line(messages.heapleaksReset(had));
                return undefined;
            }
            let path = null;
            if (op.kind === "save" || op.kind === "compare") {
                path = heapPathOrSay(ctx, op.kind, op.path);
                if (path === null)
                    return undefined;
            }
            const peb = userProcess(ctx.target, "heapleaks");
            if (!(peb instanceof Address))
                return say(ctx, peb.problem);
            const run = walkHeaps(ctx.target, ctx.out, peb, null, { includeFree: false, readFirstPointer: true });
            if ("problem" in run)
                return say(ctx, run.problem);
            if (op.kind === "save")
                return saveHeapSnapshot(ctx, run, path);
            if (op.kind === "compare")
                return compareWithFile(ctx, run, path);
            return showGroups(ctx, run);
        },
    };
    const heapleaksCommand = command;
    function parseOp(ctx, args) {
        let given = args;
        while (given.length && given[given.length - 1] === undefined)
            given = given.slice(0, given.length - 1);
        if (given.length === 0)
            return { kind: "show" };
        const verb = given[0];
        if (verb === "reset" && given.length === 1)
            return { kind: "reset" };
        if ((verb === "save" || verb === "compare") && given.length <= 2) {
            if (typeof given[1] !== "string" || given[1].trim() === "") {
                ctx.out.line(messages.heapleaksPathMissing(verb, describeArg(given[1])));
                return null;
            }
            return { kind: verb, path: given[1] };
        }
        if (typeof verb === "string" && /^(save|compare)$/i.test(verb.trim())) {
            ctx.out.line(messages.heapleaksUsage(describeArg(verb) + " (the operations are lower case)"));
            return null;
        }
        ctx.out.line(messages.heapleaksUsage(given.length > 2 ? given.length + " arguments" : describeArg(verb)));
        return null;
    }
    /** Seconds by the target's clock: KUSER_SHARED_DATA.SystemTime, read where every process maps it (target-facts.ts). */
    function processClockSeconds(target) {
        const ms = readTargetFacts(target, null, true).systemTimeMs;
        return ms === null ? null : ms / 1000;
    }
    /** Which process the baseline belongs to: its PEB, image and PID (a restarted program may reuse the PEB address). */
    function processKey(target, run) {
        const who = target.processIdentity();
        const pid = who.pid === null ? "" : " PID " + who.pid;
        return { key: run.peb.key + "|" + run.imageName.toLowerCase() + "|" + pid, description: run.imageName + pid + " (PEB 0x" + run.peb.toHex() + ")" };
    }
    function showGroups(ctx, run) {
        const target = ctx.target;
        const walk = run.walk;
        const namer = new FrameNamer(target);
        const groups = groupBlocks(walk.blocks, walk.ust, namer.inImage);
        const allocations = walk.blocks.length;
        const bytes = walk.blocks.reduce((n, b) => n + b.size, 0);
        let mode = "all";
        let list = groups.map((g) => ({ group: g, deltaAllocations: null, deltaBytes: null }));
        let seconds = null;
        let shrunk = 0;
        let gone = 0;
        const notes = [];
        if (!target.isDump) {
            const now = processClockSeconds(target);
            const who = processKey(target, run);
            const base = heapBaselineState.baseline;
            if (base && base.process !== who.key)
                notes.push(messages.heapleaksOtherProcessBaseline(base.description, who.description));
            if (!base || base.process !== who.key) {
                heapBaselineState.baseline = { process: who.key, description: who.description, seconds: now, counts: countsByKey(groups), groups: groups.length };
                mode = "baseline";
            }
            else {
                const growth = groupGrowth(base.counts, groups);
                list = growth.grown.map((g) => ({ group: g.group, deltaAllocations: g.deltaAllocations, deltaBytes: g.deltaBytes }));
                shrunk = growth.shrunk;
                gone = growth.gone;
                seconds = now !== null && base.seconds !== null ? now - base.seconds : null;
                mode = "growth";
            }
            if (now === null)
                notes.push(messages.heapleaksNoClock());
        }
        return present(ctx, run, namer, { mode, list, allocations, bytes, seconds, shrunk, gone, since: "the baseline", notes });
    }
    function compareWithFile(ctx, run, path) {
        const walk = run.walk;
        const namer = new FrameNamer(ctx.target);
        const groups = groupBlocks(walk.blocks, walk.ust, namer.inImage);
        const base = heapFileBaseline(ctx, run, path, groups, namer);
        if (!base)
            return undefined;
        const growth = groupGrowth(base.counts, base.groups);
        return present(ctx, run, namer, {
            mode: "compare",
            list: growth.grown.map((g) => ({ group: g.group, deltaAllocations: g.deltaAllocations, deltaBytes: g.deltaBytes })),
            allocations: walk.blocks.length,
            bytes: walk.blocks.reduce((n, b) => n + b.size, 0),
            seconds: base.seconds,
            shrunk: growth.shrunk,
            gone: growth.gone,
            since: base.since,
            notes: base.notes,
        });
    }
    /** Reads and symbolizes the stacks of the first groups only, prints the report, returns the records of every group. */
    function present(ctx, run, namer, p) {
        const target = ctx.target;
        const ps = target.pointerSize;
        const reader = new StackRecordReader(target, run.walk.x86Records);
        const stackGroups = workLimit("maxHeapStackGroups");
        const records = [];
        const shown = [];
        const rateOf = (delta) => (delta === null || (p.mode !== "growth" && p.mode !== "compare") ? null : ratePerSecond(delta, p.seconds));
        let stacksSkipped = 0;
        p.list.forEach((s, i) => {
            const g = s.group;
            const detailed = i < Math.max(stackGroups, TABLE_ROWS);
            let frames = null;
            let problem = null;
            let caller = null;
            if (g.stackRecord) {
                if (i < stackGroups) {
                    const record = reader.read(g.stackRecord);
                    if ("frames" in record) {
                        frames = namer.frames(record.frames);
                        caller = namer.caller(record.frames, frames);
                    }
                    else
                        problem = record.problem;
                }
                else
                    stacksSkipped++;
            }
            const type = g.typePointer ? (detailed ? namer.frame(g.typePointer) : namer.plain(g.typePointer)) : null;
            const rate = rateOf(s.deltaBytes);
            const record = {
                Stack: frames,
                StackRecord: g.stackRecord,
                Size: g.size,
                Type: type,
                Allocations: g.allocations,
                Bytes: g.bytes,
                Example: g.example,
                Caller: caller,
                toString: () => (s.deltaBytes !== null ? "+" + sizeText(s.deltaBytes) + ", now " : "") + sizeText(g.bytes) + " in " + plural(g.allocations, "allocation") + ": " +
                    (caller || (g.stackRecord ? "stack record " + g.stackRecord.format(ps) : "size " + sizeText(g.size || 0) + (type ? " " + type : ""))),
            };
            if (s.deltaBytes !== null) {
                record.DeltaAllocations = s.deltaAllocations || 0;
                record.DeltaBytes = s.deltaBytes;
                record.BytesPerSecond = rate;
            }
            records.push(record);
            if (i < TABLE_ROWS) {
                shown.push({
                    frames,
                    stackProblem: problem,
                    caller,
                    size: g.size,
                    type,
                    allocations: g.allocations,
                    bytes: g.bytes,
                    example: g.example.format(ps),
                    stackRecord: g.stackRecord ? g.stackRecord.format(ps) : null,
                    deltaAllocations: s.deltaAllocations,
                    deltaBytes: s.deltaBytes,
                    rate,
                });
            }
        });
        // A WOW64 process's 32-bit heaps that could not be walked: said right after the answer, which is only about the 64-bit heaps.
        const notes = (run.wow64NotWalked ? [run.wow64NotWalked] : []).concat(p.notes);
        // The answer's figures are partial when a part was not walked: said next to them, not only at the end.
        const partsNotWalked = run.walk.notWalked.filter((n) => n.part !== WOW64_PART).length;
        if (partsNotWalked > 0)
            notes.unshift(messages.heapPartsNotWalkedNote(partsNotWalked));
        const capped = namer.cappedNote();
        if (capped)
            notes.push(capped);
        if (stacksSkipped > 0)
            notes.push(messages.heapStackGroupsCapped(stackGroups, p.list.length, raiseHint("maxHeapStackGroups")));
        const walk = run.walk;
        const layoutLines = layoutLinesOf(walk.heaps, ps);
        const view = {
            mode: p.mode,
            ust: walk.ust,
            imageName: run.imageName,
            groupCount: p.list.length,
            allocations: p.allocations,
            bytes: p.bytes,
            shown,
            seconds: p.seconds,
            since: p.since,
            shrunk: p.shrunk,
            gone: p.gone,
            heaps: heapLinesOf(walk.heaps, ps),
            notWalked: notWalkedLinesOf(walk.notWalked.filter((n) => n.part !== WOW64_PART), ps),
            layoutLines,
            notes,
            next: nextSteps(target, p.mode, p.list.length ? p.list[0].group : null, records.length ? records[0].Caller : null, run.walk.x86Records),
        };
        ctx.out.lines(reportLines(view));
        return {
            Groups: records,
            Heaps: heapRecords(walk.heaps, ps),
            NotWalked: namedCollection(notWalkedRecords(walk.notWalked, ps), "part", "parts"),
            Mode: p.mode,
            Allocations: p.allocations,
            Bytes: p.bytes,
            StacksRecorded: walk.ust,
            Seconds: p.seconds,
            toString: () => (p.mode === "growth" || p.mode === "compare" ? plural(p.list.length, "group") + " grew" : plural(p.list.length, "group")) +
                "; " + plural(p.allocations, "allocation") + ", " + sizeText(p.bytes),
        };
    }
    function nextSteps(target, mode, top, callerFrame, x86Records) {
        const ps = target.pointerSize;
        const steps = [];
        if (top) {
            steps.push({ command: "!heap -p -a " + top.example.format(ps), why: "the debugger's own view of the top group's example block" });
            if (top.stackRecord) {
                // Next and Hash+Depth come first (two pointers on x64, three on x86), then the frames: show them all.
                // A WOW64 process's 32-bit record holds 4-byte frames: dds, as the 64-bit view's dps would pair them.
                const rps = x86Records && x86Records.has(top.stackRecord.key) ? 4 : ps;
                const header = recordOffsets(rps).frames / rps;
                steps.push({ command: (rps === ps ? "dps " : "dds ") + top.stackRecord.format(ps) + " L0x" + (header + 32).toString(16), why: "the stack record as the debugger reads it" });
            }
            // A stack group's blocks by their caller frame (the symbol text only, and only when it is safe inside dx quotes);
            // a size group's by its size.
            const frame = callerFrame === null ? null : callerFrame.replace(/ \[.*\]$/, "");
            if (top.stackRecord && frame !== null && /^[A-Za-z0-9_.!:+~<>, -]{1,160}$/.test(frame)) {
                steps.push({ command: 'dx @$heapblocks().Blocks.Where(b => b.Stack.Any(f => f == "' + frame + '"))', why: "every block allocated through that caller" });
            }
            else {
                steps.push({ command: "dx @$heapblocks().Blocks.Where(b => b.Size == 0x" + top.exampleSize.toString(16) + ")", why: "every block of that size, with its stack and type" });
            }
        }
        if (mode === "baseline")
            steps.push({ command: "!heapleaks", why: "after the program has run a while (g, then break in): the groups that grew" });
        // Growth is measured from the same baseline each time, so running on shows whether a group keeps growing.
        if (mode === "growth")
            steps.push({ command: "!heapleaks", why: "after the program has run longer (g, then break in): growth since the same baseline" });
        if (mode === "all" && target.isDump)
            steps.push({ command: 'dx @$heapleaks("save", "C:\\\\cases\\\\before.json")', why: "keep these groups; compare them on a later dump" });
        return steps;
    }
    function say(ctx, line) {
        ctx.out.line(line);
        return undefined;
    }

    /**
     * The most one debugLog call carries. IDebugControl::Output (dbgeng.h) warns that "some versions of the debugger
     * engine have a 16K character limit for a single output" and that very large output should be split "into multiple
     * requests"; that debugLog ends in the same engine output is inferred, so every call stays well under it.
     */
    const MAX_OUTPUT_CHARS = 4096;
    class HostPrinter {
        line(text) {
            this.write(text + "\n");
        }
        lines(texts) {
            if (texts.length)
                this.write(texts.join("\n") + "\n");
        }
        progress(text) {
            this.write(text + "\n");
        }
        /** One call per chunk of at most MAX_OUTPUT_CHARS, cut after a newline when there is one in the chunk. */
        write(text) {
            let start = 0;
            while (text.length - start > MAX_OUTPUT_CHARS) {
                const cut = text.lastIndexOf("\n", start + MAX_OUTPUT_CHARS - 1);
                const end = cut >= start ? cut + 1 : start + MAX_OUTPUT_CHARS;
                host.diagnostics.debugLog(text.slice(start, end));
                start = end;
            }
            if (start < text.length)
                host.diagnostics.debugLog(text.slice(start));
        }
    }

    // A report command's result kept for the session while the target cannot have changed (Command.keepsResult), so
    // `dx @$virtblocks(0x29fb0000).Blocks.Where(...)` after `!virtblocks 0x29fb0000` answers from it instead of walking
    // the heap again (on KDNET a walk is minutes of round trips). The runner decides whether the target can have
    // changed by a stamp (src/host/runner.ts targetStamp): the same stamp means the same target state.
    /** Results kept: the few commands a user is querying now. A poolallocs result can hold thousands of records. */
    const KEPT_RESULTS = 4;
    /** The argument that forces a new walk: `!virtblocks (0x29fb0000, "refresh")`, `dx @$leaktag("Leak", "refresh")`. */
    const REFRESH_ARG = "refresh";
    const kept = [];
    /** The arguments without a trailing "refresh", and whether it was there. */
    function splitRefresh(args) {
        const given = args.slice();
        while (given.length && given[given.length - 1] === undefined)
            given.pop();
        const last = given[given.length - 1];
        if (typeof last === "string" && last.toLowerCase() === REFRESH_ARG)
            return { args: given.slice(0, -1), refresh: true };
        return { args, refresh: false };
    }
    function hasKept(key) {
        return kept.some((k) => k.key === key);
    }
    function findKept(key, stamp) {
        for (const k of kept)
            if (k.key === key && k.stamp === stamp)
                return k;
        return null;
    }
    function keep(result) {
        for (let i = kept.length - 1; i >= 0; i--)
            if (kept[i].key === result.key)
                kept.splice(i, 1);
        kept.push(result);
        while (kept.length > KEPT_RESULTS)
            kept.shift();
    }
    function forgetKept() {
        kept.length = 0;
    }

    function invokeCommand(command, givenArgs) {
        const host = new HostPrinter();
        const buffered = command.quietRepeats || command.keepsResult ? new BufferedPrinter(host) : null;
        const out = buffered || host;
        try {
            const target = new Target();
            const { args, refresh } = command.keepsResult ? splitRefresh(givenArgs) : { args: givenArgs, refresh: false };
            // Commands that take no arguments refuse them with their usage line (an omitted argument is undefined).
            if (command.takesNoArguments && args.some((a) => a !== undefined)) {
                host.line(messages.noArguments(command.usage));
                return undefined;
            }
            // A command that is neither a report nor keeps a result may change what reports show (!pooltagfile's
            // descriptions, !ltlimits' caps): nothing kept before it is reused after it.
            if (!command.quietRepeats && !command.keepsResult)
                forgetKept();
            const line = commandLine(command.name, args);
            // The stamp costs one small read on a live kernel target: read only when there is a result to compare or keep
            // (a refusal reads nothing). Read after the run it is the same value: the target does not run during a command.
            let stamped;
            const stampNow = () => (stamped === undefined ? (stamped = targetStamp(target)) : stamped);
            let stamp = null;
            const keptStamp = () => {
                const s = stampNow();
                stamp = s !== null && "stamp" in s ? s : null;
                return stamp;
            };
            if (command.keepsResult && !refresh && hasKept(line) && keptStamp() !== null) {
                const kept = findKept(line, stamp.stamp);
                if (kept) {
                    const again = commandLine(command.name, args.filter((a) => a !== undefined).concat(["refresh"]));
                    const note = messages.resultKept(stamp.why, again);
                    // The report is above when it was printed recently; otherwise it is printed again (from the kept text:
                    // nothing is read) so the user sees what the result is.
                    if (kept.report.length >= MIN_REPEAT_LINES && recentReport(reportKey(kept.report), Date.now()))
                        printReport(host, line, kept.report, note);
                    else {
                        host.lines(kept.report);
                        host.line("(" + line + ": " + note + ".)");
                    }
                    return kept.value;
                }
            }
            // A command may say in its report whether its result will be kept (the stamp is read then, once).
            const keeping = () => {
                const s = stampNow();
                return { keptWhile: s !== null && "stamp" in s ? s.keptWhile : null, notKeptBecause: s !== null && "unreadable" in s ? s.unreadable : null };
            };
            const records = toModel(command.run({ target, out, keeping: command.keepsResult ? keeping : undefined }, args), 0, command.resultNoun);
            for (const problem of target.problems)
                out.line(problem);
            if (buffered)
                printReport(host, line, buffered.buffer);
            if (command.keepsResult && records !== undefined && target.problems.length === 0) {
                const now = keptStamp();
                if (now !== null)
                    keep({ key: line, stamp: now.stamp, value: records, report: buffered ? buffered.buffer.slice() : [] });
            }
            return records;
        }
        catch (e) {
            try {
                if (buffered)
                    host.lines(buffered.buffer); // What was found before the failure, then the failure.
                host.line(messages.internalError(command.name, errorText(e)));
            }
            catch (printError) {
                // Nothing more can be done without output; still no exception reaches the host.
            }
            return undefined;
        }
    }
    function targetStamp(target) {
        if (target.dumpKnown && target.isDump)
            return { stamp: "dump " + (target.dumpFileName() || ""), why: "a dump cannot change", keptWhile: "for the session: a dump cannot change" };
        if (!target.isKernel)
            return null;
        const at = target.pointerSize === 8 ? new Address(0xfffff780, 0x08) : new Address(0, 0xffdf0008);
        const bytes = target.memory.read(at, 24, "KUSER_SHARED_DATA clocks", false);
        if (bytes instanceof Unreadable)
            return { unreadable: "the target's clock (KUSER_SHARED_DATA) could not be read" };
        let text = "live ";
        for (let i = 0; i < bytes.length; i++)
            text += hex$2(bytes[i]);
        return { stamp: text, why: "the target has not run since", keptWhile: "until the target runs again" };
    }

    /** API 1.3: getModuleType/getModuleSymbol return null instead of throwing (1.1), comparison support (1.2). */
    const API_MAJOR = 1;
    const API_MINOR = 3;
    function registrations(commands) {
        const records = [new host.apiVersionSupport(API_MAJOR, API_MINOR)];
        for (const command of commands) {
            records.push(new host.functionAlias((...args) => invokeCommand(command, args), command.name));
        }
        return records;
    }

    const commands = [
        leaktoolsCommand(() => commands),
        leaktagCommand,
        pooltagsCommand,
        leaksCommand,
        pooltagfileCommand,
        findimporterCommand,
        virtblocksCommand(),
        virtstacksCommand(),
        unloadleaksCommand,
        triageCommand,
        ltlimitsCommand,
        poolallocsCommand,
        heapblocksCommand,
        heapleaksCommand,
    ];
    function initializeScript() {
        return registrations(commands);
    }
    function uninitializeScript() {
        // Records returned by initializeScript are undone by the provider; nothing else was registered.
    }

    exports.initializeScript = initializeScript;
    exports.uninitializeScript = uninitializeScript;

    return exports;

})({});
function initializeScript() { return __leaktools.initializeScript(); }
function uninitializeScript() { return __leaktools.uninitializeScript(); }
