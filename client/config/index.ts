import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';
import devConfig from './dev';
import prodConfig from './prod';

const taroEnv = process.env.TARO_ENV ?? 'weapp';
/** The mini-program cannot use a relative URL: it needs the API's absolute base. */
const weappApiBase = process.env.TARO_APP_API_BASE ?? 'http://127.0.0.1:3000/api/v1';
/** `@gantry/shared` is a symlinked workspace package shipped as TypeScript source. */
const sharedSource = path.resolve(__dirname, '../../shared/src');

/** NutUI's styles are written for a 375 px design; ours for 750 px. */
function designWidth(input?: string | number | { file?: string }): number {
  const file = typeof input === 'object' && input !== null ? (input.file ?? '') : '';
  return file.replace(/\\+/g, '/').includes('@nutui') ? 375 : 750;
}

export default defineConfig<'webpack5'>(async (merge) => {
  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'gantry-client',
    date: '2026-11-28',
    designWidth,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${taroEnv}`,
    plugins: [],
    defineConstants: {},
    env: {
      TARO_APP_API_BASE: JSON.stringify(weappApiBase),
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: [sharedSource] },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: { enable: false },
      },
    },
    h5: {
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      compile: { include: [sharedSource] },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        autoprefixer: { enable: true, config: {} },
        cssModules: { enable: false },
      },
      webpackChain(chain) {
        // Pages are loaded on demand; without a shared chunk every page carries its own NutUI copy.
        chain.optimization.splitChunks({
          chunks: 'async',
          cacheGroups: {
            shared: { name: 'page-shared', minChunks: 2, priority: 10, reuseExistingChunk: true },
          },
        });
        // The H5 build is the browser stand-in for the mini-program (tests, demos), not a public site:
        // Taro's runtime and React alone exceed webpack's 244 KiB web-performance hint.
        chain.performance.maxEntrypointSize(512 * 1024).maxAssetSize(512 * 1024);
      },
    },
  };

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, devConfig);
  }
  return merge({}, baseConfig, prodConfig);
});
