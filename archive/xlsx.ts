import ExcelJS from 'exceljs'

/** The first worksheet of an XLSX file as rows of cell text (formulas give their cached result). */
export async function readXlsx(bytes: Uint8Array): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  const sheet = workbook.worksheets[0]
  if (!sheet) throw new RangeError('the workbook has no worksheet')
  const rows: string[][] = []
  const width = sheet.columnCount
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = []
    for (let c = 1; c <= width; c++) cells.push(cellText(row.getCell(c)))
    rows[n - 1] = cells
  })
  return Array.from(rows, (r) => r ?? [])
}

function cellText(cell: ExcelJS.Cell): string {
  const v = cell.value
  if (v === null || v === undefined) return ''
  if (typeof v === 'object' && 'result' in v) return v.result === undefined || v.result === null ? '' : String(v.result)
  if (v instanceof Date) return v.toISOString()
  return cell.text ?? String(v)
}

/** One worksheet with a bold header row, every cell stored as text (addresses are not numbers). */
export async function writeXlsx(sheetName: string, rows: string[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook()
  workbook.creator = 'holowatch'
  const sheet = workbook.addWorksheet(sheetName)
  for (const r of rows) sheet.addRow(r)
  sheet.getRow(1).font = { bold: true }
  sheet.columns.forEach((col) => {
    col.numFmt = '@'
    col.width = 18
  })
  return Buffer.from(await workbook.xlsx.writeBuffer())
}
