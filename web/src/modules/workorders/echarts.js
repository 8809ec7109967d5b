// ECharts with only what 报修统计 draws (bar, line and pie charts; grid, legend, tooltip;
// the canvas renderer): about 190 KB gzipped, more than half the page. StatsPage.vue imports
// this file lazily, so the page's figures and table show on the first load and the charts
// follow a moment later (#13 item 7: no page over 350 KB of JS on its first load).
import * as echarts from 'echarts/core'
import { BarChart, LineChart, PieChart } from 'echarts/charts'
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer])

export default echarts
