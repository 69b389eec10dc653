// autocannon 9 ships no types: the little the benchmarks use.
declare module 'autocannon' {
  interface Histo { average: number; mean: number; p50: number; p90: number; p97_5: number; p99: number; max: number; total: number }
  export interface Result { requests: Histo; latency: Histo; throughput: Histo; non2xx: number; errors: number; timeouts: number; duration: number; '2xx': number }
  export interface Options {
    url: string; connections?: number; duration?: number; pipelining?: number; method?: string; headers?: Record<string, string>
    requests?: { method?: string; path?: string; headers?: Record<string, string>; body?: string; setupRequest?: (req: any, context: any) => any }[]
  }
  function autocannon(opts: Options): Promise<Result>
  export default autocannon
}
