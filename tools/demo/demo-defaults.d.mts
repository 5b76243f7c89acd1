export declare const DEMO_PROJECT_ID: string;
export declare const DEMO_TRIGGER_ID: string;
export declare const DEMO_EVENT_TYPE: string;
export declare const DEMO_PROJECT_TOKEN: string;
export declare const DEFAULT_DEMO_WEBHOOK_SECRET: string;
export declare const DEMO_RECEIVER_PORT: number;
export declare const LOCAL_ADMIN_TOKEN: string;
