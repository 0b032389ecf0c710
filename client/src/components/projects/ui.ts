/* NutUI components the project pages use beyond components/ui, imported one by one with their style. */
import TextArea from '@nutui/nutui-react-taro/dist/es/packages/textarea';
import '@nutui/nutui-react-taro/dist/es/packages/textarea/style/css';

export { TextArea };
