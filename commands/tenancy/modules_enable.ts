import { ModuleSwitchCommand } from './_module_switch_command.js'

export default class ModulesEnable extends ModuleSwitchCommand {
  static commandName = 'modules:enable'
  static description = 'Enable a module for one merchant (per-merchant override)'
  protected enable = true
}
