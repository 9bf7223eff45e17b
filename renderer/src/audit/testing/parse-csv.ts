// Test support: reading CSV back the way a spreadsheet does, to check what the console writes.

/** A strict RFC 4180 reader: what a spreadsheet does with the text, to check the writer against. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let index = 0;
  while (index < text.length) {
    if (text[index] === '"') {
      index++;
      for (;;) {
        const quote = text.indexOf('"', index);
        if (quote < 0) throw new Error('unterminated quoted field');
        field += text.slice(index, quote);
        index = quote + 1;
        if (text[index] !== '"') break;
        field += '"';
        index++;
      }
    } else {
      const end = text.slice(index).search(/[,\r\n]/);
      const stop = end < 0 ? text.length : index + end;
      if (text.slice(index, stop).includes('"')) throw new Error('a quote inside a bare field');
      field += text.slice(index, stop);
      index = stop;
    }
    if (text[index] === ',') {
      record.push(field);
      field = '';
      index++;
    } else if (text.startsWith('\r\n', index)) {
      records.push([...record, field]);
      record = [];
      field = '';
      index += 2;
    } else if (index < text.length) {
      throw new Error(`a bare ${JSON.stringify(text[index])} at ${index} (records end in CRLF)`);
    }
  }
  if (field !== '' || record.length > 0) throw new Error('the last record does not end in CRLF');
  return records;
}
