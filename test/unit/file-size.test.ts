import { describe, expect, it } from 'vitest';
import { fileSize } from '../../shared/file-size.ts';

describe('file sizes as the dialogs say them', () => {
  it('reads in kB below a megabyte and in MB from there (a round of forty files reads 17.5 MB, not 17966.5 kB)', () => {
    expect(fileSize(12_697)).toBe('12.4 kB');
    expect(fileSize(999 * 1024)).toBe('999.0 kB');
    expect(fileSize(1000 * 1024)).toBe('1.0 MB');
    expect(fileSize(1024 * 1024)).toBe('1.0 MB');
    expect(fileSize(18_397_733)).toBe('17.5 MB');
  });
});
