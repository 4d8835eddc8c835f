/** Deterministic benchmark data and the statistics the benchmarks report. */

/** Sentences in the register of Chinese government news, recombined into paragraphs. */
export const SENTENCES = [
  '市人大常委会副主任表示，今年的政府工作报告找准了发展的切入点。',
  '要紧紧围绕市两会确定的目标任务，撸袖实干、合力攻坚。',
  '县委书记在会上说：“今年我们要把问题找准、把责任压实。”',
  '全县将坚持“一河一策”，做到三个确保。',
  '一是确保5月底前完成主要河段清淤；二是确保每条河都有专职巡河员。',
  '治理资金已落实1.2亿元，其中一半用于农村小微水体。',
  '坚持传统产业升级改造和新兴产业培育壮大两手抓。',
  '扩充“文旅+”版图，进一步涵养生态、丰富业态、完善形态。',
  '持之以恒开展技术攻关、久久为功优化营商环境。',
  '努力以一域之发展为全市全局添彩加力。',
];

/** A small deterministic generator (LCG): `rnd(n)` is an integer in [0, n). */
export function random(seed: number): (n: number) => number {
  let s = seed;
  return (n) => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % n;
  };
}

/** A paragraph of whole sentences, at least `length` UTF-16 units long, with each sentence's [start, end). */
export function chineseParagraph(rnd: (n: number) => number, length: number): { text: string; sentences: [number, number][] } {
  let text = '';
  const sentences: [number, number][] = [];
  while (text.length < length) {
    const s = SENTENCES[rnd(SENTENCES.length)]!;
    sentences.push([text.length, text.length + s.length]);
    text += s;
  }
  return { text, sentences };
}

export const median = (xs: readonly number[]): number => percentile(xs, 50);

/** The p-th percentile by nearest rank. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
