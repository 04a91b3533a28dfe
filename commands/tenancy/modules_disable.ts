import { ModuleSwitchCommand } from './_module_switch_command.js'

export default class ModulesDisable extends ModuleSwitchCommand {
  static commandName = 'modules:disable'
  static description =
    'Disable a module for one merchant; refused while an enabled module depends on it'
  protected enable = false
}
