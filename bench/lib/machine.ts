import { cpus, release, totalmem, type as osType } from 'node:os';

export interface MachineFacts {
  cpuModel: string;
  cpuCount: number;
  totalMemBytes: number;
  node: string;
  os: string;
  arch: string;
  date: string;
}

export function machineFacts(): MachineFacts {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    totalMemBytes: totalmem(),
    node: process.version,
    os: `${osType()} ${release()}`,
    arch: process.arch,
    date: new Date().toISOString(),
  };
}
