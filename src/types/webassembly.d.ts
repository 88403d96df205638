/** The part of the WebAssembly global mlgate uses (Node has it; the project's TypeScript libs do not declare it). */
declare namespace WebAssembly {
  class Module {
    private constructor();
  }
  function compile(bytes: Uint8Array): Promise<Module>;
  /** An instance's memory (src/policy/data-loader.ts writes the policy's data into it). */
  class Memory {
    private constructor();
    readonly buffer: ArrayBuffer;
  }
  class Instance {
    private constructor();
    readonly exports: Record<string, unknown>;
  }
}
