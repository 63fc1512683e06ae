/**
 * Builds tiny ONNX models in the test itself, without Python: a minimal
 * protobuf encoder for the subset of onnx.proto (onnx/onnx, `onnx/onnx.proto3`)
 * a graph of float tensors needs. Field numbers below are those of onnx.proto.
 *
 * Protobuf wire format: each field is a varint key `(field << 3) | wireType`
 * then its value: wire type 0 = varint, 2 = length-delimited (strings, bytes,
 * sub-messages, packed repeated scalars), 5 = 32-bit little-endian.
 */

class ProtoWriter {
  private readonly parts: Uint8Array[] = [];

  private raw(bytes: Uint8Array): void {
    this.parts.push(bytes);
  }

  private varintValue(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint needs a safe non-negative integer (${value} given)`);
    const out: number[] = [];
    let v = value;
    while (v >= 0x80) {
      out.push((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    out.push(v);
    this.raw(Uint8Array.from(out));
  }

  private key(field: number, wireType: 0 | 2 | 5): void {
    this.varintValue(field * 8 + wireType);
  }

  varint(field: number, value: number): this {
    this.key(field, 0);
    this.varintValue(value);
    return this;
  }

  bytes(field: number, value: Uint8Array): this {
    this.key(field, 2);
    this.varintValue(value.length);
    this.raw(value);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, new TextEncoder().encode(value));
  }

  message(field: number, build: (w: ProtoWriter) => void): this {
    const sub = new ProtoWriter();
    build(sub);
    return this.bytes(field, sub.finish());
  }

  float(field: number, value: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.raw(b);
    return this;
  }

  finish(): Uint8Array {
    const total = this.parts.reduce((n, p) => n + p.length, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

/** TensorProto.DataType.FLOAT */
const FLOAT = 1;
/** AttributeProto.AttributeType */
const ATTR = { FLOAT: 1, INT: 2, INTS: 7 } as const;

export interface TensorInit {
  name: string;
  dims: number[];
  data: Float32Array;
}

export type AttributeInit = { name: string; f: number } | { name: string; i: number } | { name: string; ints: number[] };

export interface NodeInit {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  attributes?: AttributeInit[];
}

/** A float32 graph input or output; a string dim is dynamic (`dim_param`). */
export interface ValueInit {
  name: string;
  shape: (number | string)[];
}

export interface ModelInit {
  nodes: NodeInit[];
  inputs: ValueInit[];
  outputs: ValueInit[];
  initializers?: TensorInit[];
  /** Default 8 (ONNX 1.10+); ORT 1.30 reads up to 11. */
  irVersion?: number;
  /** Default-domain opset, default 17. */
  opset?: number;
}

/** Serialises a ModelProto. */
export function encodeModel(m: ModelInit): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, m.irVersion ?? 8); // ModelProto.ir_version
  w.string(2, 'smart-audio-test'); // producer_name
  w.message(7, (g) => encodeGraph(g, m)); // graph
  w.message(8, (o) => o.string(1, '').varint(2, m.opset ?? 17)); // opset_import {domain, version}
  return w.finish();
}

function encodeGraph(g: ProtoWriter, m: ModelInit): void {
  m.nodes.forEach((node, i) => g.message(1, (n) => encodeNode(n, node, i))); // GraphProto.node
  g.string(2, 'graph'); // name
  for (const t of m.initializers ?? []) g.message(5, (tp) => encodeTensor(tp, t)); // initializer
  for (const v of m.inputs) g.message(11, (vi) => encodeValueInfo(vi, v)); // input
  for (const v of m.outputs) g.message(12, (vi) => encodeValueInfo(vi, v)); // output
}

function encodeNode(n: ProtoWriter, node: NodeInit, index: number): void {
  for (const i of node.inputs) n.string(1, i); // NodeProto.input
  for (const o of node.outputs) n.string(2, o); // output
  n.string(3, node.name ?? `node${index}`); // name
  n.string(4, node.opType); // op_type
  for (const a of node.attributes ?? []) {
    n.message(5, (ap) => {
      ap.string(1, a.name); // AttributeProto.name
      if ('f' in a) ap.float(2, a.f).varint(20, ATTR.FLOAT); // f, type
      else if ('i' in a) ap.varint(3, a.i).varint(20, ATTR.INT); // i, type
      else {
        for (const v of a.ints) ap.varint(8, v); // ints (non-negative only here)
        ap.varint(20, ATTR.INTS);
      }
    });
  }
}

function encodeTensor(t: ProtoWriter, init: TensorInit): void {
  for (const d of init.dims) t.varint(1, d); // TensorProto.dims
  t.varint(2, FLOAT); // data_type
  t.string(8, init.name); // name
  const raw = new Uint8Array(init.data.length * 4);
  const view = new DataView(raw.buffer);
  init.data.forEach((v, i) => view.setFloat32(4 * i, v, true)); // raw_data is little-endian
  t.bytes(9, raw); // raw_data
}

function encodeValueInfo(vi: ProtoWriter, v: ValueInit): void {
  vi.string(1, v.name); // ValueInfoProto.name
  vi.message(2, (type) => // type: TypeProto
    type.message(1, (tensor) => { // tensor_type: TypeProto.Tensor
      tensor.varint(1, FLOAT); // elem_type
      tensor.message(2, (shape) => { // shape: TensorShapeProto
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.varint(1, d) : dim.string(2, d))); // dim {dim_value | dim_param}
      });
    }),
  );
}

/**
 * `input` [batch, channels, time] (all dynamic) → one output per entry of
 * `gains`, `name = input × gain` (a `Mul` by a scalar initializer each).
 */
export function gainModel(gains: Record<string, number>, inputName = 'input'): Uint8Array {
  const shape = ['batch', 'channels', 'time'];
  const entries = Object.entries(gains);
  return encodeModel({
    inputs: [{ name: inputName, shape }],
    outputs: entries.map(([name]) => ({ name, shape })),
    initializers: entries.map(([name, gain]) => ({ name: `${name}_gain`, dims: [], data: Float32Array.of(gain) })),
    nodes: entries.map(([name]) => ({ opType: 'Mul', inputs: [inputName, `${name}_gain`], outputs: [name] })),
  });
}
