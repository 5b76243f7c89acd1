/** The Consul version tools/consul/go.mod requires, e.g. `v1.16.1`. */
export declare function pinnedConsulVersion(): string;
