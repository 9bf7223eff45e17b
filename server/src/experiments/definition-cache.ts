import {
  toDefinition,
  type ExperimentDefinition,
  type ExperimentSpec,
} from '../../../shared/src/spec/spec-schema';

/**
 * Parsed specs by key. A spec never changes once enqueued (keys are never reused), so the
 * parse is done once per process rather than on every scheduler tick.
 */
export class DefinitionCache {
  private readonly byKey = new Map<
    string,
    { spec: ExperimentSpec; definition: ExperimentDefinition }
  >();

  get(key: string, specJson: string): { spec: ExperimentSpec; definition: ExperimentDefinition } {
    let entry = this.byKey.get(key);
    if (!entry) {
      const spec = JSON.parse(specJson) as ExperimentSpec;
      entry = { spec, definition: toDefinition(spec) };
      this.byKey.set(key, entry);
    }
    return entry;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }
}
