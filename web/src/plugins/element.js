// Element Plus, registered piece by piece so the bundle holds only what the pages use.
import {
  ElAlert, ElButton, ElCard, ElCheckbox, ElCheckboxGroup, ElCol, ElConfigProvider, ElDatePicker, ElDialog, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElIcon, ElInput, ElInputNumber, ElMenu, ElMenuItem, ElOption, ElProgress, ElRadioButton, ElRadio, ElRadioGroup, ElResult, ElRow, ElSelect, ElSkeleton, ElSwitch, ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElTooltip, ElUpload, ElLoading,
} from '../ui/element.js'
import {
  ArrowDown, Bell, Calendar, CirclePlus, Clock, Connection, DataLine, Download, Flag, Key, Location,
  MapLocation, Menu, OfficeBuilding, Place, Plus, Refresh, School, Upload, User, View, Warning, SwitchButton,
  Iphone, Printer, CopyDocument, Check, Close, Guide, Van, Wallet, Notebook,
} from '@element-plus/icons-vue'

const components = [
  ElAlert, ElButton, ElCard, ElCheckbox, ElCheckboxGroup, ElCol, ElConfigProvider, ElDatePicker, ElDialog, ElDrawer, ElDropdown, ElDropdownItem, ElDropdownMenu, ElEmpty, ElForm, ElFormItem, ElIcon, ElInput, ElInputNumber, ElMenu, ElMenuItem, ElOption, ElProgress, ElRadioButton, ElRadio, ElRadioGroup, ElResult, ElRow, ElSelect, ElSkeleton, ElSwitch, ElTable, ElTableColumn, ElTabPane, ElTabs, ElTag, ElTooltip, ElUpload,
]

export const icons = {
  ArrowDown, Bell, Calendar, CirclePlus, Clock, Connection, DataLine, Download, Flag, Key, Location,
  MapLocation, Menu, OfficeBuilding, Place, Plus, Refresh, School, Upload, User, View, Warning, SwitchButton,
  Iphone, Printer, CopyDocument, Check, Close, Guide, Van, Wallet, Notebook,
}

export function registerElement(app) {
  for (const component of components) app.component(component.name, component)
  app.use(ElLoading)
  for (const [name, icon] of Object.entries(icons)) app.component(`Icon${name}`, icon)
}
