import { Testing } from 'cdktf';

// Adds toHaveResourceWithProperties, toHaveDataSourceWithProperties, … to expect().
Testing.setupJest();
