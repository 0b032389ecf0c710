/*
 * NutUI components, imported one by one with their own stylesheet: the whole-library stylesheet
 * adds about 300 KB of wxss to every page and the mini-program main package is capped at 2 MB.
 */
import Badge from '@nutui/nutui-react-taro/dist/es/packages/badge';
import '@nutui/nutui-react-taro/dist/es/packages/badge/style/css';
import Button from '@nutui/nutui-react-taro/dist/es/packages/button';
import '@nutui/nutui-react-taro/dist/es/packages/button/style/css';
import Cell from '@nutui/nutui-react-taro/dist/es/packages/cell';
import '@nutui/nutui-react-taro/dist/es/packages/cell/style/css';
import CellGroup from '@nutui/nutui-react-taro/dist/es/packages/cellgroup';
import '@nutui/nutui-react-taro/dist/es/packages/cellgroup/style/css';
import Input from '@nutui/nutui-react-taro/dist/es/packages/input';
import '@nutui/nutui-react-taro/dist/es/packages/input/style/css';
import Radio from '@nutui/nutui-react-taro/dist/es/packages/radio';
import '@nutui/nutui-react-taro/dist/es/packages/radio/style/css';
import Switch from '@nutui/nutui-react-taro/dist/es/packages/switch';
import '@nutui/nutui-react-taro/dist/es/packages/switch/style/css';

export { Badge, Button, Cell, CellGroup, Input, Radio, Switch };
