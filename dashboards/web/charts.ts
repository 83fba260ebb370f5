import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([LineChart, BarChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export type ChartOption = Parameters<echarts.ECharts['setOption']>[0]

/** Colours that read on the dark wall screen; severity colours match the badges in styles.css. */
export const PALETTE = ['#4cc9f0', '#f72585', '#ffb703', '#80ed99', '#b388eb', '#ff8c42', '#56cfe1', '#e0e1dd']
export const SEVERITY_COLOURS: Record<string, string> = { critical: '#ff4d6d', high: '#ff8c42', medium: '#ffb703', low: '#4cc9f0' }

echarts.registerTheme('holowatch', {
  color: PALETTE,
  backgroundColor: 'transparent',
  textStyle: { color: '#c9d6e3', fontFamily: 'inherit' },
  legend: { textStyle: { color: '#c9d6e3' } },
  categoryAxis: { axisLine: { lineStyle: { color: '#3a4a5e' } }, axisLabel: { color: '#9fb3c8' }, splitLine: { show: false } },
  valueAxis: { axisLine: { lineStyle: { color: '#3a4a5e' } }, axisLabel: { color: '#9fb3c8' }, splitLine: { lineStyle: { color: '#1f2b3a' } } },
  timeAxis: { axisLine: { lineStyle: { color: '#3a4a5e' } }, axisLabel: { color: '#9fb3c8' }, splitLine: { show: false } },
  tooltip: { backgroundColor: '#0f1724', borderColor: '#3a4a5e', textStyle: { color: '#e6edf3' } },
})

/**
 * A chart in `el` that follows the element's size; `dispose` is called when the page goes away.
 * Option updates replace series (notMerge) so that a refresh never keeps a vanished series.
 */
export function chart(el: HTMLElement, onDispose: (fn: () => void) => void): (option: ChartOption) => void {
  const instance = echarts.init(el, 'holowatch', { renderer: 'canvas' })
  const observer = new ResizeObserver(() => instance.resize())
  observer.observe(el)
  onDispose(() => {
    observer.disconnect()
    instance.dispose()
  })
  // No animation: a wall screen redrawn every 30 s should not move, and screenshots show the data.
  return (option) => instance.setOption({ animation: false, ...option }, { notMerge: true })
}

export const GRID = { left: 56, right: 16, top: 36, bottom: 28, containLabel: true }
