#!/usr/bin/env python3
"""A hostile peer of `partisan node`, for the black-box tests in
Tests/PartisanCLITests/HostileInputTests.swift (Guides/Security.md is the threat model).

It speaks the wire protocol of Guides/Distribution.md ("Wire protocol"): frames of a 4-byte
big-endian length and one term in Erlang's External Term Format (version byte 131), and the
handshake (`hello`, `proof`, `established`, `{refused, Reason}`) of version 2 from either side;
it also speaks version 1's `challenge_reply`, so that the attacks that took over version 1 are
replayed literally. Given the cookie (the `replay` scenario only), it proves itself exactly as
HandshakeProof.swift does.

One subcommand per scenario. Each prints one JSON line, its results: for every connection the
tags of the frames it received (`hello`, `proof`, `refused:timeout`, ... never their
contents), whether and when the node closed it. `computed` counts the frames a node computed
from its cookie (`proof`, `challenge_reply`) and `established` the sessions it granted: an
attacker must get neither. Every loop is bounded in count and in time; an alarm ends the
process if a deadline is ever missed. Python 3 standard library only.
"""

import argparse
import errno
import hashlib
import hmac
import json
import os
import random
import select
import signal
import socket
import struct
import sys
import time

# --- External Term Format -------------------------------------------------------------------

VERSION = 131
SMALL_INTEGER, INTEGER, NEW_FLOAT, FLOAT = 97, 98, 70, 99
ATOM, SMALL_ATOM, ATOM_UTF8, SMALL_ATOM_UTF8 = 100, 115, 118, 119
SMALL_TUPLE, LARGE_TUPLE, NIL, STRING, LIST, BINARY = 104, 105, 106, 107, 108, 109
SMALL_BIG, LARGE_BIG, MAP, NEW_PID, NEWER_REFERENCE = 110, 111, 116, 88, 90


class Atom(str):
    """An atom (a plain `str` is encoded as a binary)."""


class Improper:
    """A list with a tail other than `[]`."""

    def __init__(self, items, tail):
        self.items, self.tail = list(items), tail


class Pid:
    """A `NEW_PID_EXT`."""

    def __init__(self, node, ident, serial, creation):
        self.node, self.ident, self.serial, self.creation = node, ident, serial, creation


def encode(term):
    """The ETF bytes of `term`, version byte first."""
    out = bytearray([VERSION])
    _encode(term, out)
    return bytes(out)


def _encode(term, out):
    if isinstance(term, bool):
        _encode(Atom("true" if term else "false"), out)
    elif isinstance(term, Atom):
        name = term.encode("utf-8")
        if len(name) < 256:
            out += bytes([SMALL_ATOM_UTF8, len(name)]) + name
        else:
            out += bytes([ATOM_UTF8]) + struct.pack(">H", len(name)) + name
    elif isinstance(term, int):
        if 0 <= term < 256:
            out += bytes([SMALL_INTEGER, term])
        elif -(1 << 31) <= term < (1 << 31):
            out += bytes([INTEGER]) + struct.pack(">i", term)
        else:
            magnitude = abs(term).to_bytes((abs(term).bit_length() + 7) // 8, "little")
            if len(magnitude) < 256:
                out += bytes([SMALL_BIG, len(magnitude), int(term < 0)])
            else:
                out += bytes([LARGE_BIG]) + struct.pack(">I", len(magnitude)) + bytes([int(term < 0)])
            out += magnitude
    elif isinstance(term, (bytes, bytearray)):
        out += bytes([BINARY]) + struct.pack(">I", len(term)) + term
    elif isinstance(term, str):
        _encode(term.encode("utf-8"), out)
    elif isinstance(term, float):
        out += bytes([NEW_FLOAT]) + struct.pack(">d", term)
    elif isinstance(term, tuple):
        if len(term) < 256:
            out += bytes([SMALL_TUPLE, len(term)])
        else:
            out += bytes([LARGE_TUPLE]) + struct.pack(">I", len(term))
        for element in term:
            _encode(element, out)
    elif isinstance(term, list):
        if term:
            out += bytes([LIST]) + struct.pack(">I", len(term))
            for element in term:
                _encode(element, out)
        out += bytes([NIL])
    elif isinstance(term, Improper):
        out += bytes([LIST]) + struct.pack(">I", len(term.items))
        for element in term.items:
            _encode(element, out)
        _encode(term.tail, out)
    elif isinstance(term, dict):
        out += bytes([MAP]) + struct.pack(">I", len(term))
        for key, value in term.items():
            _encode(key, out)
            _encode(value, out)
    elif isinstance(term, Pid):
        out += bytes([NEW_PID])
        _encode(Atom(term.node), out)
        out += struct.pack(">III", term.ident, term.serial, term.creation)
    else:
        raise TypeError(f"cannot encode {type(term).__name__}")


class DecodeError(Exception):
    pass


def decode(data):
    """The term of an ETF payload (what a node sends: small terms, at most 64 deep)."""
    if not data or data[0] != VERSION:
        raise DecodeError("no version byte")
    term, position = _decode(data, 1, 0)
    if position != len(data):
        raise DecodeError("trailing bytes")
    return term


def _take(data, position, count):
    if position + count > len(data):
        raise DecodeError("truncated")
    return data[position : position + count], position + count


def _decode(data, position, depth):
    if depth > 64:
        raise DecodeError("too deep")
    raw, position = _take(data, position, 1)
    tag = raw[0]
    if tag == SMALL_INTEGER:
        raw, position = _take(data, position, 1)
        return raw[0], position
    if tag == INTEGER:
        raw, position = _take(data, position, 4)
        return struct.unpack(">i", raw)[0], position
    if tag in (SMALL_BIG, LARGE_BIG):
        if tag == SMALL_BIG:
            raw, position = _take(data, position, 1)
            count = raw[0]
        else:
            raw, position = _take(data, position, 4)
            count = struct.unpack(">I", raw)[0]
        sign, position = _take(data, position, 1)
        magnitude, position = _take(data, position, count)
        value = int.from_bytes(magnitude, "little")
        return (-value if sign[0] else value), position
    if tag == NEW_FLOAT:
        raw, position = _take(data, position, 8)
        return struct.unpack(">d", raw)[0], position
    if tag in (ATOM, ATOM_UTF8, SMALL_ATOM, SMALL_ATOM_UTF8):
        if tag in (SMALL_ATOM, SMALL_ATOM_UTF8):
            raw, position = _take(data, position, 1)
            count = raw[0]
        else:
            raw, position = _take(data, position, 2)
            count = struct.unpack(">H", raw)[0]
        name, position = _take(data, position, count)
        text = name.decode("utf-8") if tag in (ATOM_UTF8, SMALL_ATOM_UTF8) else name.decode("latin-1")
        return Atom(text), position
    if tag in (SMALL_TUPLE, LARGE_TUPLE):
        if tag == SMALL_TUPLE:
            raw, position = _take(data, position, 1)
            count = raw[0]
        else:
            raw, position = _take(data, position, 4)
            count = struct.unpack(">I", raw)[0]
        elements = []
        for _ in range(count):
            element, position = _decode(data, position, depth + 1)
            elements.append(element)
        return tuple(elements), position
    if tag == NIL:
        return [], position
    if tag == STRING:
        raw, position = _take(data, position, 2)
        chars, position = _take(data, position, struct.unpack(">H", raw)[0])
        return list(chars), position
    if tag == LIST:
        raw, position = _take(data, position, 4)
        count = struct.unpack(">I", raw)[0]
        if count > len(data):
            raise DecodeError("list longer than the payload")
        elements = []
        for _ in range(count):
            element, position = _decode(data, position, depth + 1)
            elements.append(element)
        tail, position = _decode(data, position, depth + 1)
        return (elements if tail == [] else Improper(elements, tail)), position
    if tag == BINARY:
        raw, position = _take(data, position, 4)
        return _take(data, position, struct.unpack(">I", raw)[0])
    if tag == MAP:
        raw, position = _take(data, position, 4)
        count = struct.unpack(">I", raw)[0]
        if count > len(data):
            raise DecodeError("map larger than the payload")
        result = {}
        for _ in range(count):
            key, position = _decode(data, position, depth + 1)
            value, position = _decode(data, position, depth + 1)
            result[key if not isinstance(key, (list, dict, Improper)) else repr(key)] = value
        return result, position
    if tag == NEW_PID:
        node, position = _decode(data, position, depth + 1)
        raw, position = _take(data, position, 12)
        return Pid(node, *struct.unpack(">III", raw)), position
    raise DecodeError(f"tag {tag}")


def frame(payload):
    return struct.pack(">I", len(payload)) + payload


def tag_of(payload):
    """What a frame from a node is, without its contents: `hello`, `proof`, `established`,
    `refused:REASON`, `challenge_reply` (version 1), `other` or `undecodable`."""
    try:
        term = decode(payload)
    except (DecodeError, UnicodeDecodeError, struct.error):
        return "undecodable"
    if isinstance(term, Atom):
        return str(term)
    if isinstance(term, tuple) and term and isinstance(term[0], Atom):
        if term[0] == "refused" and len(term) == 2:
            return f"refused:{term[1]}"
        return str(term[0])
    return "other"


#: What the `malformed` scenario writes into names, atoms and binaries: a node's log must never
#: show it (nor the bytes of its big integers, 0x41: "AAAA").
MARKER = "ATTACKER-MARKER"

#: Frames only a holder of the cookie may obtain.
COMPUTED = ("proof", "challenge_reply")

# --- The handshake --------------------------------------------------------------------------

LABEL = b"partisan-handshake-2"


def node_spec(name, hidden=False, addresses=(("127.0.0.1", 1),), channels=(("default", 1), ("membership", 1))):
    spec = {
        Atom("name"): Atom(name),
        Atom("listen_addrs"): [{Atom("host"): host.encode(), Atom("port"): port} for host, port in addresses],
        Atom("channels"): {
            Atom(channel): {Atom("parallelism"): parallelism, Atom("monotonic"): False}
            for channel, parallelism in channels
        },
    }
    if hidden:
        spec[Atom("hidden")] = True
    return spec


def hello(name, version=2, creation=1, nonce=None, channel="default", index=0, connection_set=(0, 0),
          lane=(0, []), spec=None):
    """A hello term as node `name` would send it."""
    return (
        Atom("hello"), version, Atom(name), creation, spec if spec is not None else node_spec(name),
        nonce if nonce is not None else os.urandom(32), (Atom(channel), index), connection_set, lane,
    )


class Hello:
    """The fields of a node's hello that an attacker uses."""

    def __init__(self, payload):
        term = decode(payload)
        self.payload = payload
        self.name = str(term[2])
        self.creation = term[3]
        self.spec = term[4]
        self.nonce = term[5]
        self.channel = str(term[6][0])
        self.index = term[6][1]
        self.connection_set = tuple(term[7]) if len(term) > 7 else (0, 0)
        addresses = self.spec.get(Atom("listen_addrs"), []) if isinstance(self.spec, dict) else []
        self.addresses = [(a[Atom("host")].decode(), a[Atom("port")]) for a in addresses]
        self.lane_ports = list(term[8][1]) if len(term) > 8 else []


def transcript(dialler_hello, acceptor_hello):
    """SHA-256 of both hellos' payloads, each after its 4-byte length (HandshakeProof)."""
    digest = hashlib.sha256()
    for payload in (dialler_hello, acceptor_hello):
        digest.update(struct.pack(">I", len(payload)))
        digest.update(payload)
    return digest.digest()


def proof(cookie, role, transcript_hash, binding=b""):
    """The proof `role` (`dialler` or `acceptor`) gives: HMAC-SHA256 under the cookie."""
    data = LABEL + b"\0" + role.encode() + b"\0" + transcript_hash + binding
    return hmac.new(cookie, data, hashlib.sha256).digest()


# --- Connections ----------------------------------------------------------------------------


class Conn:
    """One TCP connection to a node: what it received (frames) and when the node closed it."""

    def __init__(self, address, source=None, label="", sock=None, timeout=5.0):
        self.label = label
        self.opened = time.monotonic()
        self.buffer = bytearray()
        self.frames = []
        self.closed_at = None
        self.reset = False
        self.send_error = None
        self.connect_error = None
        self.sent = 0
        if sock is None:
            try:
                sock = socket.create_connection(address, timeout=timeout,
                                                source_address=(source, 0) if source else None)
            except OSError as error:
                self.connect_error = errno.errorcode.get(error.errno, str(error))
                self.closed_at = time.monotonic()
                self.sock = None
                return
        sock.settimeout(timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock

    @property
    def closed(self):
        return self.closed_at is not None

    def send(self, data):
        """Writes `data`; `False` (and the error noted) once the node has closed."""
        if self.sock is None or self.send_error:
            return False
        try:
            self.sock.sendall(data)
            self.sent += len(data)
            return True
        except (OSError, socket.timeout) as error:
            self.send_error = errno.errorcode.get(getattr(error, "errno", None) or 0, type(error).__name__)
            return False

    def send_frame(self, payload):
        self.send(frame(payload))
        return payload

    def send_term(self, term):
        """Sends `term` in one frame; returns its payload (what a transcript covers)."""
        return self.send_frame(encode(term))

    def on_readable(self):
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            data, self.reset = b"", True
        except (BlockingIOError, socket.timeout, InterruptedError):
            return
        if not data:
            self.closed_at = time.monotonic()
            return
        self.buffer += data
        while len(self.buffer) >= 4:
            length = struct.unpack(">I", self.buffer[:4])[0]
            if length > 1 << 20:
                # Not a handshake frame; nothing of it is kept.
                self.frames.append(b"")
                self.buffer.clear()
                break
            if len(self.buffer) < 4 + length:
                break
            self.frames.append(bytes(self.buffer[4 : 4 + length]))
            del self.buffer[: 4 + length]

    @property
    def tags(self):
        return [tag_of(payload) for payload in self.frames]

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None

    def report(self):
        result = {"tags": self.tags, "closed": self.closed}
        if self.closed_at is not None:
            result["close_ms"] = round((self.closed_at - self.opened) * 1000)
        if self.reset:
            result["reset"] = True
        if self.send_error:
            result["send_error"] = self.send_error
        if self.connect_error:
            result["connect_error"] = self.connect_error
        return result


def pump(conns, until, done=None):
    """Reads from `conns` until all are closed, `done()` holds, or the time `until` passes."""
    poller = select.poll()
    registered = {}
    for conn in conns:
        if not conn.closed and conn.sock is not None:
            poller.register(conn.sock.fileno(), select.POLLIN)
            registered[conn.sock.fileno()] = conn
    while registered and not (done and done()):
        left = until - time.monotonic()
        if left <= 0:
            break
        for fd, _ in poller.poll(min(left, 0.05) * 1000):
            conn = registered.get(fd)
            if conn is None:
                continue
            conn.on_readable()
            if conn.closed:
                poller.unregister(fd)
                del registered[fd]


def wait_frames(conn, count, seconds=3.0):
    """Waits until `conn` holds `count` frames or closes (at most `seconds`)."""
    pump([conn], time.monotonic() + seconds, lambda: len(conn.frames) >= count)
    return len(conn.frames) >= count


def address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


def count_tags(conns, wanted):
    return sum(1 for conn in conns for tag in conn.tags if tag in wanted)


def histogram(conns):
    counts = {}
    for conn in conns:
        key = ",".join(conn.tags) or ("(nothing)" if conn.closed else "(open)")
        counts[key] = counts.get(key, 0) + 1
    return counts


def emit(result):
    print(json.dumps(result, sort_keys=True), flush=True)


def write_file(path, text):
    if path:
        with open(path + ".tmp", "w") as handle:
            handle.write(text)
        os.replace(path + ".tmp", path)


# --- Scenarios ------------------------------------------------------------------------------


def probe(addr, claimed):
    """A node's hello (name and creation), answered to a hello of version 2, or else of version
    1; `None` if it answers neither. The connection is closed at once."""
    for version in (2, 1):
        conn = Conn(addr, label="probe")
        conn.send_term(hello(claimed, version=version))
        wait_frames(conn, 1, 3.0)
        conn.close()
        if conn.frames and tag_of(conn.frames[0]) == "hello":
            return Hello(conn.frames[0]), version, conn
    return None, None, conn


def lanes(addr):
    """The node's per-loop listeners, announced in its hello: they accept connections and run
    the same handshake as its listen address."""
    found, _, _ = probe(addr, "lanes-probe@127.0.0.1")
    return [(addr[0], port) for port in (found.lane_ports if found else [])]


def control_frames(target, target_creation, sender, sender_creation, count=200):
    """The frames the version-1 relay sent once it was in: an exit signal `kill` to pids
    0..count-1 of the target, and a link to each."""
    source = Pid(sender, 1, 0, sender_creation)
    frames = []
    for ident in range(count):
        victim = Pid(target, ident, 0, target_creation)
        frames.append(frame(encode((Atom("exit"), source, victim, Atom("kill"), False))))
        frames.append(frame(encode((Atom("link"), source, victim))))
    return frames


def scenario_relay(args):
    """Connect to A as "B" and to B as "A" and hand each node's messages to the other."""
    a, b = address(args.a), address(args.b)
    wait = args.handshake_timeout + 5
    probes = {}
    creation = {}
    probed = []
    for key, addr, claimed, name in (("a", a, args.b_name, args.a_name), ("b", b, args.a_name, args.b_name)):
        found, _, conn = probe(addr, claimed)
        probes[key] = conn
        creation[name] = found.creation if found else 1
        if found:
            probed.append(key)
    conns = list(probes.values())
    variants = {}
    control_sent = 0

    def inject(conn, target, sender):
        """Once a node granted a session: what the version-1 attack did through it."""
        nonlocal control_sent
        for data in control_frames(target, creation[target], sender, creation[sender]):
            if conn.send(data):
                control_sent += 1

    # Version 1, verbatim: A's nonce handed to B, so that B answers what A expects from "B".
    to_a = Conn(a, label="v1-to-a")
    to_a.send_term(hello(args.b_name, version=1, creation=creation[args.b_name]))
    wait_frames(to_a, 1)
    nonce = Hello(to_a.frames[0]).nonce if to_a.tags[:1] == ["hello"] else os.urandom(32)
    to_b = Conn(b, label="v1-to-b")
    to_b.send_term(hello(args.a_name, version=1, creation=creation[args.a_name], nonce=nonce))
    wait_frames(to_b, 2)
    for payload in to_b.frames:
        if tag_of(payload) == "challenge_reply":
            to_a.send_frame(payload)
    wait_frames(to_a, 3)
    if "established" in to_a.tags:
        inject(to_a, args.a_name, args.b_name)
        pump([to_a], time.monotonic() + 1.0)
    variants["v1"] = {"to_a": to_a, "to_b": to_b}

    # Version 2, chained the same way (B is handed A's nonce), then held open: neither node
    # proves anything to a dialler that has not proved itself.
    held_a = Conn(a, label="v2-chained-to-a")
    held_a.send_term(hello(args.b_name, creation=creation[args.b_name]))
    wait_frames(held_a, 1)
    nonce = Hello(held_a.frames[0]).nonce if held_a.tags[:1] == ["hello"] else os.urandom(32)
    held_b = Conn(b, label="v2-chained-to-b")
    held_b.send_term(hello(args.a_name, creation=creation[args.a_name], nonce=nonce))
    wait_frames(held_b, 1)
    variants["v2_chained"] = {"to_a": held_a, "to_b": held_b}

    # Version 2, every frame of each node handed to the other.
    fwd_a = Conn(a, label="v2-forward-to-a")
    fwd_b = Conn(b, label="v2-forward-to-b")
    fwd_a.send_term(hello(args.b_name, creation=creation[args.b_name]))
    fwd_b.send_term(hello(args.a_name, creation=creation[args.a_name]))
    forwarded = {id(fwd_a): 0, id(fwd_b): 0}
    until = time.monotonic() + 3.0
    while time.monotonic() < until and not (fwd_a.closed and fwd_b.closed):
        pump([fwd_a, fwd_b], min(until, time.monotonic() + 0.1))
        for source, sink in ((fwd_a, fwd_b), (fwd_b, fwd_a)):
            while forwarded[id(source)] < len(source.frames):
                sink.send_frame(source.frames[forwarded[id(source)]])
                forwarded[id(source)] += 1
    variants["v2_forward"] = {"to_a": fwd_a, "to_b": fwd_b}

    # Version 2, the control frames of the old attack sent right after the hellos.
    ctl_a = Conn(a, label="v2-control-to-a")
    ctl_a.send_term(hello(args.b_name, creation=creation[args.b_name]))
    ctl_b = Conn(b, label="v2-control-to-b")
    ctl_b.send_term(hello(args.a_name, creation=creation[args.a_name]))
    wait_frames(ctl_a, 1)
    wait_frames(ctl_b, 1)
    inject(ctl_a, args.a_name, args.b_name)
    inject(ctl_b, args.b_name, args.a_name)
    variants["v2_control"] = {"to_a": ctl_a, "to_b": ctl_b}

    for variant in variants.values():
        conns += variant.values()
    # Wait for the nodes to close everything (the held pair by their handshake timeout); any
    # connection a node let in is used as the old attack used it.
    until = time.monotonic() + wait
    while time.monotonic() < until and not all(conn.closed for conn in conns):
        pump(conns, min(until, time.monotonic() + 0.2))
        for variant in variants.values():
            for key, conn in variant.items():
                if "established" in conn.tags and not conn.send_error and not getattr(conn, "injected", False):
                    conn.injected = True
                    target, sender = (args.a_name, args.b_name) if key == "to_a" else (args.b_name, args.a_name)
                    inject(conn, target, sender)
    emit({
        "scenario": "relay",
        "creations_probed": probed,
        "variants": {name: {key: conn.report() for key, conn in pair.items()} for name, pair in variants.items()},
        "probes": {key: conn.report() for key, conn in probes.items()},
        "computed": count_tags(conns, COMPUTED),
        "established": count_tags(conns, ("established",)),
        "control_frames_sent": control_sent,
    })
    for conn in conns:
        conn.close()


def scenario_oracle(args):
    """A hello with a chosen nonce, then everything the node sends, collected."""
    node = address(args.node)
    name = "oracle-x@127.0.0.1"
    zero, ones = bytes(32), b"\xff" * 32
    cases = {}
    cases["chosen_nonce"] = Conn(node)
    cases["chosen_nonce"].send_term(hello(name, nonce=zero))
    cases["chosen_nonce_other"] = Conn(node)
    cases["chosen_nonce_other"].send_term(hello("oracle-y@127.0.0.1", nonce=ones, channel="membership"))
    cases["bogus_proof"] = Conn(node)
    cases["bogus_proof"].send_term(hello(name, nonce=zero))
    cases["proof_before_hello"] = Conn(node)
    cases["proof_before_hello"].send_term((Atom("proof"), bytes(32)))
    cases["established_after_hello"] = Conn(node)
    cases["established_after_hello"].send_term(hello(name, nonce=zero))
    cases["v1_chosen_nonce"] = Conn(node)
    cases["v1_chosen_nonce"].send_term(hello(name, version=1, nonce=zero))
    lane_addresses = lanes(node)
    for number, lane in enumerate(lane_addresses):
        cases[f"lane_{number}_chosen_nonce"] = conn = Conn(lane)
        conn.send_term(hello(name, nonce=zero))
    for key in ("bogus_proof", "established_after_hello"):
        wait_frames(cases[key], 1)
    cases["bogus_proof"].send_term((Atom("proof"), bytes(32)))
    cases["established_after_hello"].send_term(Atom("established"))
    conns = list(cases.values())
    pump(conns, time.monotonic() + args.handshake_timeout + 5)
    emit({
        "scenario": "oracle",
        "lanes": len(lane_addresses),
        "cases": {key: conn.report() for key, conn in cases.items()},
        "computed": count_tags(conns, COMPUTED),
        "established": count_tags(conns, ("established",)),
    })
    for conn in conns:
        conn.close()


def scenario_reflect(args):
    """Lets a node dial this attacker (it was started with `--join` to it), collects the
    dialler proof it sends, and reflects that proof and the node's own hellos back to it."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    server.settimeout(0.1)
    write_file(args.listen_file, str(server.getsockname()[1]))
    name = "mallory@127.0.0.1"
    dialled = []  # the node's connections to this attacker
    answered = set()
    until = time.monotonic() + args.accept_seconds
    last_accept = time.monotonic()
    while time.monotonic() < until and len(dialled) < 64:
        try:
            sock, _ = server.accept()
            dialled.append(Conn(None, sock=sock, label="dialled"))
            last_accept = time.monotonic()
        except socket.timeout:
            pass
        pump(dialled, time.monotonic() + 0.05)
        for conn in dialled:
            if conn.frames and id(conn) not in answered and tag_of(conn.frames[0]) == "hello":
                answered.add(id(conn))
                theirs = Hello(conn.frames[0])
                conn.ours = conn.send_term(hello(name, channel=theirs.channel, index=theirs.index,
                                                 connection_set=theirs.connection_set))
        proofs = [c for c in dialled if len(c.frames) >= 2 and tag_of(c.frames[1]) == "proof"]
        if proofs and time.monotonic() - last_accept > 0.5:
            break
    proven = [c for c in dialled if len(c.frames) >= 2 and tag_of(c.frames[1]) == "proof"]
    result = {"scenario": "reflect", "dialled": len(dialled), "dialler_proofs_collected": len(proven)}
    cases = {}
    if proven:
        source = proven[0]
        own_hello, own_proof = source.frames[0], source.frames[1]
        node = Hello(own_hello).addresses[0]
        # The node's dialler proof, to the node as acceptor on a new connection.
        cases["proof_to_its_node_on_another_connection"] = conn = Conn(node)
        conn.send_term(hello(name))
        if wait_frames(conn, 1):
            conn.send_frame(own_proof)
        # The node's own hello, back to it.
        cases["own_dialler_hello_back"] = conn = Conn(node)
        conn.send_frame(own_hello)
        # The hello the node sends as acceptor, back to it on another connection.
        first = Conn(node)
        first.send_term(hello(name))
        cases["own_acceptor_hello_back"] = conn = Conn(node)
        if wait_frames(first, 1):
            conn.send_frame(first.frames[0])
        first.close()
        # The proof to another node of the cluster.
        if args.other:
            cases["proof_to_another_node"] = conn = Conn(address(args.other))
            conn.send_term(hello(name))
            if wait_frames(conn, 1):
                conn.send_frame(own_proof)
        pump(list(cases.values()), time.monotonic() + 3.0)
        write_file(args.ready_file, "ready")
        pump(list(cases.values()) + dialled, time.monotonic() + args.hold)
        # Last, the classic reflection: the node's proof handed back to it on the very
        # connection it dialled, as if it were the acceptor's.
        source.send_frame(own_proof)
        cases["proof_back_on_its_own_connection"] = source
        pump([source], time.monotonic() + 3.0, lambda: len(source.frames) >= 3)
    result["cases"] = {key: conn.report() for key, conn in cases.items()}
    # The node's hello and dialler proof on the connections it dialled are expected (see
    # Security.md, "What remains"); anything computed from the cookie after them, or on the
    # reflected connections, counts.
    own = cases.pop("proof_back_on_its_own_connection", None)
    answers = [tag for tag in own.tags[2:]] if own else []
    result["computed"] = count_tags(cases.values(), COMPUTED) + sum(1 for tag in answers if tag in COMPUTED)
    result["established"] = count_tags(cases.values(), ("established",)) + answers.count("established")
    emit(result)
    for conn in list(cases.values()) + dialled:
        conn.close()
    server.close()


def scenario_replay(args):
    """A legitimate session (this step only holds the cookie), recorded, then replayed."""
    node = address(args.node)
    cookie = args.cookie.encode()
    name = f"replay-{os.getpid()}@127.0.0.1"
    spec = node_spec(name, hidden=True, addresses=())
    legit = Conn(node, label="legit")
    recorded_hello = legit.send_term(hello(name, creation=random.randint(1, 1 << 30), spec=spec))
    result = {"scenario": "replay", "legit_acceptor_proof_valid": False}
    recorded = [recorded_hello]
    if wait_frames(legit, 1) and legit.tags[0] == "hello":
        shared = transcript(recorded_hello, legit.frames[0])
        recorded.append(legit.send_term((Atom("proof"), proof(cookie, "dialler", shared))))
        if wait_frames(legit, 2) and legit.tags[1] == "proof":
            theirs = decode(legit.frames[1])[1]
            result["legit_acceptor_proof_valid"] = hmac.compare_digest(theirs, proof(cookie, "acceptor", shared))
            recorded.append(legit.send_term(Atom("established")))
    pump([legit], time.monotonic() + 0.5)
    legit.close()
    # The recorded frames, one by one as the legitimate peer sent them.
    stepwise = Conn(node, label="replay-stepwise")
    stepwise.send_frame(recorded[0])
    wait_frames(stepwise, 1)
    for payload in recorded[1:]:
        stepwise.send_frame(payload)
    # The recorded bytes in one write.
    at_once = Conn(node, label="replay-at-once")
    at_once.send(b"".join(frame(payload) for payload in recorded))
    replays = [stepwise, at_once]
    pump(replays, time.monotonic() + args.handshake_timeout + 5)
    result.update({
        "legit": legit.report(),
        "recorded_frames": len(recorded),
        "replays": {"stepwise": stepwise.report(), "at_once": at_once.report()},
        "computed": count_tags(replays, COMPUTED),
        "established": count_tags(replays, ("established",)),
    })
    emit(result)
    for conn in replays:
        conn.close()


def big_integer(magnitude_bytes):
    """A `LARGE_BIG_EXT` payload of `magnitude_bytes` bytes (an integer with a huge decimal
    form: printing it was quadratic)."""
    return bytes([VERSION, LARGE_BIG]) + struct.pack(">I", magnitude_bytes) + b"\0" + b"\x41" * magnitude_bytes


def improper_tails(size):
    """`[x | [x | [x | ...]]]` written as nested one-element `LIST_EXT`s with list tails."""
    cell = bytes([LIST]) + struct.pack(">I", 1) + bytes([SMALL_INTEGER, 1])
    count = max(1, (size - 2) // len(cell))
    return bytes([VERSION]) + cell * count + bytes([NIL])


def empty_lists(count):
    """A list of `count` empty lists."""
    return bytes([VERSION, LIST]) + struct.pack(">I", count) + bytes([NIL]) * count + bytes([NIL])


def deep_tuples(depth):
    """`{{{...}}}` nested `depth` deep."""
    return bytes([VERSION]) + bytes([SMALL_TUPLE, 1]) * depth + bytes([NIL])


def deep_lists(depth):
    """`[[[...]]]` nested `depth` deep."""
    cell = bytes([LIST]) + struct.pack(">I", 1)
    return bytes([VERSION]) + cell * depth + bytes([NIL]) * (depth + 1)


def many_atoms(count):
    return encode(tuple(Atom(f"a{i:05d}") for i in range(count)))


def scenario_limits(args):
    """Frames announced above the handshake's frame limit, of every shape the issue lists."""
    node = address(args.node)
    source = args.source
    mib = 1 << 20
    cases = {}
    # Bare length prefixes above the limit.
    for label, length in (("prefix_8k_plus_1", args.limit + 1), ("prefix_64k", 1 << 16), ("prefix_1mib", mib),
                          ("prefix_60mib", 60 * mib), ("prefix_64mib_plus_1", 64 * mib + 1),
                          ("prefix_4gib", 0xFFFFFFFF)):
        cases[label] = conn = Conn(node, source)
        conn.send(struct.pack(">I", length))
    lane_addresses = lanes(node)
    for number, lane in enumerate(lane_addresses):
        cases[f"lane_{number}_prefix_60mib"] = conn = Conn(lane, source)
        conn.send(struct.pack(">I", 60 * mib))
    # Whole frames whose decoding was costly, each above the limit.
    for label, payload in (("big_integer_400k_1", big_integer(400_000)), ("big_integer_400k_2", big_integer(400_000)),
                           ("improper_tails_1mib", improper_tails(mib)), ("deep_tuples_100k", deep_tuples(100_000))):
        cases[label] = conn = Conn(node, source)
        conn.send(frame(payload))
    # The start of a 60 MiB list of empty lists.
    cases["empty_lists_60mib_start"] = conn = Conn(node, source)
    count = 60 * mib - 8
    conn.send(struct.pack(">I", 60 * mib) + bytes([VERSION, LIST]) + struct.pack(">I", count) + bytes([NIL]) * mib)
    singles = list(cases.values())
    pump(singles, time.monotonic() + 5)
    # 20 unfinished 60 MiB frames, 1 MiB of each sent.
    unfinished = [Conn(node, source, label="unfinished") for _ in range(20)]
    for conn in unfinished:
        conn.send(struct.pack(">I", 60 * mib) + bytes([VERSION, BINARY]) + struct.pack(">I", 60 * mib - 6))
    for conn in unfinished:
        conn.send(bytes(mib))
    pump(unfinished, time.monotonic() + 5)
    # 500 bare prefixes of 60 MiB on 500 connections, held open until the node closes them;
    # opened 100 at a time, far below the cap on handshakes per address.
    prefixes = []
    for _ in range(5):
        batch = [Conn(node, source, label="prefix") for _ in range(100)]
        for conn in batch:
            conn.send(struct.pack(">I", 60 * mib))
        pump(batch, time.monotonic() + 5)
        prefixes += batch
    everything = singles + unfinished + prefixes
    emit({
        "scenario": "limits",
        "lanes": len(lane_addresses),
        "cases": {key: conn.report() for key, conn in cases.items()},
        "unfinished": summary(unfinished),
        "prefixes": summary(prefixes),
        "computed": count_tags(everything, COMPUTED),
        "established": count_tags(everything, ("established",)),
    })
    for conn in everything:
        conn.close()


def summary(conns):
    """Counts over many connections: how many the node closed, the slowest close, the tags."""
    close_ms = [round((c.closed_at - c.opened) * 1000) for c in conns if c.closed_at is not None]
    return {
        "count": len(conns),
        "closed": sum(1 for c in conns if c.closed),
        "max_close_ms": max(close_ms) if close_ms else None,
        "connect_errors": sum(1 for c in conns if c.connect_error),
        "tags": histogram(conns),
    }


def scenario_malformed(args):
    """Frames within the limit that are no handshake message, garbage of many sizes, and a
    silent connection, all at once."""
    node = address(args.node)
    source = args.source
    rng = random.Random(args.seed)
    name = "malformed-x@127.0.0.1"
    payloads = {
        "version_byte_only": bytes([VERSION]),
        "empty_frame": b"",
        "big_integer_8k": big_integer(8_000),
        "improper_tails_8k": improper_tails(args.limit),
        "empty_lists_8k": empty_lists(args.limit - 8),
        "deep_tuples_4k": deep_tuples(4_000),
        "deep_lists_1k": deep_lists(1_000),
        "atoms_1k": many_atoms(1_000),
        "hello_300_lanes": encode(hello(name, lane=(0, list(range(1000, 1300))))),
        "hello_version_99": encode(hello(name, version=99)),
        "hello_version_big": encode(hello(name, version=1 << 200)),
        "hello_bad_name": encode(hello("no-host")),
        "hello_short_nonce": encode(hello(name, nonce=bytes(31))),
        "hello_spec_names_another_node": encode(hello(name, spec=node_spec("other@127.0.0.1"))),
        "hello_zero_parallelism": encode(hello(name, spec=node_spec(name, channels=(("default", 0),)))),
        "hello_wrong_arity": encode(hello(name)[:6]),
        "refused_unknown_reason": encode((Atom("refused"), Atom(MARKER))),
        "marker_atom": encode(Atom(MARKER)),
        "marker_binary": encode(MARKER.encode() * 100),
        "marker_tuple": encode((Atom("hello"), Atom(MARKER))),
        "marker_pid": encode(Pid(MARKER, 1, 0, 1)),
        "float": encode(1.5),
        "binary": encode(b"\x00" * 8000),
    }
    for size in (1, 2, 16, 100, 1000, args.limit):
        payloads[f"garbage_frame_{size}"] = bytes(rng.getrandbits(8) for _ in range(size))
    cases = {}
    expect_quick = {}
    for key, payload in payloads.items():
        cases[key] = conn = Conn(node, source)
        conn.send_frame(payload)
        expect_quick[key] = True
    # A well-formed hello for a channel the node does not have, then a wrong proof: the channel
    # is judged only after a proof. The same with the marker for a name and a channel.
    for key, claimed, channel in (("hello_unknown_channel_then_proof", name, "no_such_channel"),
                                  ("hello_marker_then_proof", f"{MARKER}@127.0.0.1", MARKER)):
        cases[key] = conn = Conn(node, source)
        conn.send_term(hello(claimed, channel=channel, index=7))
        wait_frames(conn, 1)
        conn.send_term((Atom("proof"), bytes(32)))
        expect_quick[key] = True
    # Raw garbage: the first four bytes are a length; a short one leaves the node waiting for
    # the rest until its handshake timeout.
    for size in (1, 3, 4, 7, 100, 1000, args.limit, 1 << 16, 1 << 20):
        data = bytes(rng.getrandbits(8) for _ in range(min(size, 4096))) * max(1, size // 4096)
        data = data[:size]
        key = f"garbage_raw_{size}"
        cases[key] = conn = Conn(node, source)
        conn.send(data)
        announced = struct.unpack(">I", data[:4])[0] if len(data) >= 4 else None
        expect_quick[key] = announced is not None and (announced > args.limit or len(data) >= 4 + announced)
    # A silent connection: closed by the handshake timeout.
    cases["silent"] = Conn(node, source)
    expect_quick["silent"] = False
    conns = list(cases.values())
    pump(conns, time.monotonic() + args.handshake_timeout + 5)
    reports = {}
    for key, conn in cases.items():
        reports[key] = conn.report()
        reports[key]["expect_quick"] = expect_quick[key]
    emit({
        "scenario": "malformed",
        "cases": reports,
        "computed": count_tags(conns, COMPUTED),
        "established": count_tags(conns, ("established",)),
    })
    for conn in conns:
        conn.close()


def scenario_flood(args):
    """`--count` garbage connections over about `--seconds`, at most `--concurrency` open."""
    node = address(args.node)
    rng = random.Random(args.seed)
    started = time.monotonic()
    until = started + args.seconds * 3 + 10
    interval = args.seconds / args.count
    open_conns = []
    finished = []
    opened = 0
    while time.monotonic() < until and (opened < args.count or open_conns):
        now = time.monotonic()
        while opened < args.count and len(open_conns) < args.concurrency and now >= started + opened * interval:
            conn = Conn(node, args.source, timeout=2.0)
            opened += 1
            size = rng.choice((0, 1, 3, 4, 5, 64, 512, 4096, 8192, 9000))
            data = bytes(rng.getrandbits(8) for _ in range(min(size, 64))) * (size // 64 + 1)
            data = data[:size]
            if rng.random() < 0.5:
                data = frame(bytes([VERSION]) + data[: max(0, args.limit - 1)])
            conn.send(data)
            if conn.sock is not None:
                try:
                    conn.sock.shutdown(socket.SHUT_WR)
                except OSError:
                    pass
            conn.deadline = now + 2.0
            open_conns.append(conn)
        pump(open_conns, time.monotonic() + 0.01)
        still = []
        for conn in open_conns:
            if conn.closed or time.monotonic() > conn.deadline:
                conn.close()
                finished.append(conn)
            else:
                still.append(conn)
        open_conns = still
    finished += open_conns
    for conn in open_conns:
        conn.close()
    emit({
        "scenario": "flood",
        "opened": opened,
        "seconds": round(time.monotonic() - started, 2),
        "closed_by_node": sum(1 for c in finished if c.closed),
        "connect_errors": sum(1 for c in finished if c.connect_error),
        "tags": histogram(finished),
        "computed": count_tags(finished, COMPUTED),
        "established": count_tags(finished, ("established",)),
    })


def scenario_cap(args):
    """More silent connections from one address than the node lets handshake at once."""
    node = address(args.node)
    sources = args.sources.split(",") if args.sources else [args.source]
    conns = [Conn(node, sources[n % len(sources)], label="silent") for n in range(args.count)]
    # Connections beyond the caps displace older ones: first each address's beyond its own cap,
    # then, of what is left, whatever exceeds the node's cap.
    per_source = [sum(1 for n in range(args.count) if n % len(sources) == i) for i in range(len(sources))]
    held = sum(min(n, args.per_address) for n in per_source)
    extra = (args.count - held) + max(0, held - args.limit)

    def busy():
        return sum(1 for conn in conns if "refused:busy" in conn.tags)

    pump(conns, time.monotonic() + 5, lambda: busy() >= extra)
    write_file(args.ready_file, "ready")
    pump(conns, time.monotonic() + args.hold)
    untouched = sum(1 for conn in conns if not conn.frames and not conn.closed)
    result = {
        "scenario": "cap",
        "count": args.count,
        "busy": busy(),
        "waiting_untouched": untouched,
        "tags": histogram(conns),
        "connect_errors": sum(1 for c in conns if c.connect_error),
    }
    for conn in conns:
        conn.close()
    # Their places are given back: a new connection from the same address gets a hello.
    after = None
    until = time.monotonic() + 5
    while time.monotonic() < until:
        after = Conn(node, sources[0], label="after")
        after.send_term(hello("cap-after@127.0.0.1"))
        wait_frames(after, 1)
        after.close()
        if after.tags[:1] == ["hello"]:
            break
        time.sleep(0.2)
    result["after_close"] = after.report() if after else None
    everything = conns + ([after] if after else [])
    result["computed"] = count_tags(everything, COMPUTED)
    result["established"] = count_tags(everything, ("established",))
    emit(result)


def scenario_bind_check(args):
    """Whether connections can come from `--source` (exit status 0 if so)."""
    sock = socket.socket()
    try:
        sock.bind((args.source or "127.0.0.1", 0))
        bindable = True
    except OSError:
        bindable = False
    finally:
        sock.close()
    emit({"scenario": "bind-check", "bindable": bindable, "computed": 0, "established": 0})
    if not bindable:
        sys.exit(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deadline", type=float, default=60, help="the process ends by then, whatever happens")
    parser.add_argument("--handshake-timeout", type=float, default=10, help="the node's handshake timeout")
    parser.add_argument("--limit", type=int, default=4 << 10, help="the node's frame limit before the handshake")
    parser.add_argument("--source", default=None, help="the address the connections come from")
    parser.add_argument("--seed", type=int, default=14)
    sub = parser.add_subparsers(dest="scenario", required=True)
    relay = sub.add_parser("relay")
    for option in ("--a", "--a-name", "--b", "--b-name"):
        relay.add_argument(option, required=True)
    oracle = sub.add_parser("oracle")
    oracle.add_argument("--node", required=True)
    reflect = sub.add_parser("reflect")
    reflect.add_argument("--listen-file", required=True)
    reflect.add_argument("--other")
    reflect.add_argument("--ready-file")
    reflect.add_argument("--hold", type=float, default=2)
    reflect.add_argument("--accept-seconds", type=float, default=30)
    replay = sub.add_parser("replay")
    replay.add_argument("--node", required=True)
    replay.add_argument("--cookie", required=True)
    for scenario in ("limits", "malformed"):
        sub.add_parser(scenario).add_argument("--node", required=True)
    flood = sub.add_parser("flood")
    flood.add_argument("--node", required=True)
    flood.add_argument("--count", type=int, default=2000)
    flood.add_argument("--seconds", type=float, default=4)
    flood.add_argument("--concurrency", type=int, default=64)
    cap = sub.add_parser("cap")
    cap.add_argument("--node", required=True)
    cap.add_argument("--count", type=int, default=300)
    cap.add_argument("--per-address", type=int, default=256, help="the node's cap on handshakes per address")
    cap.add_argument("--limit", type=int, default=1024, help="the node's cap on handshakes in all")
    cap.add_argument("--hold", type=float, default=3)
    cap.add_argument("--ready-file")
    cap.add_argument("--sources", help="several addresses to come from, comma-separated (instead of --source)")
    sub.add_parser("bind-check")
    args = parser.parse_args()
    # The last resort of the time bound: SIGALRM's default action ends the process.
    signal.alarm(int(args.deadline) + 1)
    signal.signal(signal.SIGPIPE, signal.SIG_IGN)
    globals()[f"scenario_{args.scenario.replace('-', '_')}"](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
