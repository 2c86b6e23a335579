import { App } from 'cdktf';
import { additionalNetworkModule } from './additional-network-module';
import { multinetClusterModule } from './multinet-cluster-module';
import { multinetNodePoolModule } from './multinet-node-pool-module';
import { multusWhereaboutsModule } from './multus-whereabouts-module';
import type { TerraformModule } from './terraform-module';
import { addPermissions } from './permissions';

export { MODULE_CHART_PATH, MODULE_SOURCE, MODULE_VERSION } from './common';
export { additionalNetworkModule, multinetClusterModule, multinetNodePoolModule, multusWhereaboutsModule };

/** Every HCL module, built in one app (no validation: a module configures no provider by design). */
export function buildTerraformModules(): TerraformModule[] {
  const app = new App({ stackTraces: false, skipValidation: true });
  const modules = [additionalNetworkModule(app), multinetClusterModule(app), multinetNodePoolModule(app), multusWhereaboutsModule(app)];
  modules.forEach(addPermissions);
  return modules;
}
